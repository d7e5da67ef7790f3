using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using ServerPower.Api.Resources;
using ServerPower.Operator.Ordering;
using ServerPower.Operator.Probing;
using ServerPower.Operator.Reconciliation;
using ServerPower.Runtime;
using ServerPower.Providers.Outbound;
using ServerPower.Operator.Endpoints;
using ServerPower.Operator.Kubernetes;

namespace ServerPower.Operator.Hosting;

/// <summary>
/// The services behind spec.readinessProbe and spec.startAfter: the server graph over the cache and the start order
/// computed from it (the ServerPower reconciler takes it), and the reconcilers' <see cref="IReadinessProbes"/>: the prober with its hosted schedule, or,
/// with --readiness-probes=false, <see cref="ReadinessProbesOff"/>. A probe result that changes what a server shows
/// enqueues it through <see cref="IServerQueue"/> (the ServerPower controller's queue, registered with the controller).
/// </summary>
public static class ProbeAndOrderServices
{
    public static IServiceCollection AddReadinessProbesAndOrder(this IServiceCollection services, bool probes, ProberOptions? options = null)
    {
        services.TryAddSingleton<IServerGraph>(sp => new ServerGraph(sp.GetRequiredService<ICacheReader>()));
        services.TryAddSingleton<IStartOrder>(sp => new StartOrder(sp.GetRequiredService<IServerGraph>(),
            new KubernetesResourceClient(sp.GetRequiredService<k8s.IKubernetes>())));
        if (!probes)
        {
            services.TryAddSingleton<IReadinessProbes>(ReadinessProbesOff.Instance);
            return services;
        }
        services.TryAddSingleton<IProbeRunner>(sp => new ProbeRunner(sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<OutboundConnector>()));
        services.TryAddSingleton(sp => new ReadinessProber(sp.GetRequiredService<IProbeRunner>(),
            new ProbeTargetPolicy(sp.GetRequiredService<EndpointPolicy>()), sp.GetRequiredService<IServerQueue>(),
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<ReadinessProber>>(), options ?? new ProberOptions()));
        services.TryAddSingleton<IReadinessProbes>(sp => sp.GetRequiredService<ReadinessProber>());
        services.AddHostedService<ReadinessProberService>();
        return services;
    }

    /// <summary>
    /// On the ServerPower controller: the startAfter index, and a watch of ServerPowers themselves, so a server's change
    /// (readiness, desired or power state) enqueues the servers that list it (through the index: they may start now) and
    /// the servers it lists (they may stop now).
    /// </summary>
    public static ControllerBuilder<ServerPowerResource> WatchesStartAfter(this ControllerBuilder<ServerPowerResource> controller) =>
        controller
            .WithIndex(ServerGraph.StartAfterIndex, ServerGraph.StartAfterOf)
            .Watches<ServerPowerResource>(ServerGraph.StartAfterIndex, ServerGraph.NameOf)
            .Watches<ServerPowerResource>(ServerGraph.Dependencies);
}
