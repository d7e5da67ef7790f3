using k8s;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Prometheus;
using ServerPower.Api.Resources;
using ServerPower.Operator.Decision;
using ServerPower.Operator.Kubernetes;
using ServerPower.Operator.Metrics;
using ServerPower.Operator.Ownership;
using ServerPower.Operator.Reconciliation;
using ServerPower.Runtime;
using ServerPower.Providers;
using ServerPower.Providers.Contract;
using ServerPower.Providers.Http;
using ServerPower.Providers.Outbound;
using ServerPower.Operator.Probing;
using ServerPower.Operator.Endpoints;

namespace ServerPower.Operator.Hosting;

/// <summary>
/// The operator process: Kestrel for /metrics, /healthz and /readyz on one port; the runtime's manager (informers,
/// leader election, controllers) as a hosted service. Every replica serves health; only the leader reconciles.
/// </summary>
public static class OperatorHost
{
    public const string ServerControllerName = "serverpower";
    public const string ProviderControllerName = "powerprovider";
    public const string ScheduleControllerName = "powerschedule";

    /// <summary>Poll bounds while a server converges, and how long a start may take before it is sent again.</summary>
    public static DecisionSettings Settings(OperatorOptions options) =>
        new(options.ResyncPeriod, options.MinPoll, options.MaxPoll, options.StartTimeout);

    /// <summary>The first retry delay after a failed reconcile; doubling to 5 min.</summary>
    public static readonly TimeSpan QueueBaseDelay = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Starts the host; if it cannot start (a taken port), stops what did start before the caller disposes it, so the
    /// background services end as stopped rather than crashed (the host would log their cancellation with a stack trace).
    /// </summary>
    public static async Task StartAsync(WebApplication app)
    {
        try
        {
            await app.StartAsync().ConfigureAwait(false);
        }
        catch
        {
            await app.StopAsync(CancellationToken.None).ConfigureAwait(false);
            throw;
        }
    }

    public static WebApplication Build(OperatorOptions options, Action<IServiceCollection>? configure = null)
    {
        var kubernetes = KubernetesConfig.Load(options.Kubeconfig, options.ServiceAccount);
        var builder = WebApplication.CreateSlimBuilder();
        Logging.Configure(builder.Logging, options.LogFormat);
        builder.WebHost.ConfigureKestrel(k =>
        {
            if (options.ListenOnLoopback) k.Listen(System.Net.IPAddress.Loopback, options.Port);
            else k.ListenAnyIP(options.Port);
        });

        var services = builder.Services;
        // The caller's services first: every registration below is a TryAdd, so the caller's are kept.
        configure?.Invoke(services);
        services.TryAddSingleton(options);
        services.TryAddSingleton(KubernetesConfig.CreateClient(kubernetes));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IProviderRequestObserver, PrometheusProviderRequests>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IProviderCircuitObserver, PrometheusProviderCircuits>());
        // Every outbound connection (provider calls, probes) is checked against this policy on the address connected to.
        services.TryAddSingleton(new OutboundPolicy(options.AllowedCidrs, options.DeniedCidrs));
        services.AddServerPowerProviders(options.Provider.ApplyTo);
        services.TryAddSingleton(sp => new MeteredProviderFactory(sp.GetRequiredService<IPowerProviderFactory>()));
        services.TryAddSingleton(new EndpointPolicy(options.AllowHttpEndpoints, options.AllowLoopbackHttp, options.AllowedEndpointHosts));
        // Reconcilers read ServerPower and PowerProvider from the informers' caches; Secrets and writes go to the API.
        services.TryAddSingleton<IResourceClient>(sp => new CachedResourceClient(
            new KubernetesResourceClient(sp.GetRequiredService<IKubernetes>()), sp.GetRequiredService<ICacheReader>()));
        services.TryAddSingleton<IScheduleClient>(sp => new CachedScheduleClient(
            new KubernetesScheduleClient(sp.GetRequiredService<IKubernetes>()), sp.GetRequiredService<ICacheReader>()));
        services.TryAddSingleton(sp => new ProviderResolver(sp.GetRequiredService<IResourceClient>(),
            sp.GetRequiredService<MeteredProviderFactory>(), sp.GetRequiredService<EndpointPolicy>()));
        services.TryAddSingleton(Settings(options));
        services.TryAddSingleton<IRuntimeMetrics>(_ => new PrometheusRuntimeMetrics());
        services.TryAddSingleton<IEventRecorder>(sp => new KubernetesEventRecorder(sp.GetRequiredService<IKubernetes>(),
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<KubernetesEventRecorder>>(),
            sp.GetRequiredService<LeaderElection>().Identity));
        services.AddOperatorRuntime(RuntimeSettings(options));
        services.TryAddSingleton(sp =>
        {
            var quota = new NamespaceQuota(options.MaxServersPerNamespace, sp.GetRequiredService<IServerQueue>());
            RuntimeRegistrations.Informer<ServerPowerResource>(sp).AddHandler(quota);
            return quota;
        });
        services.AddReadinessProbesAndOrder(options.ReadinessProbes, new ProberOptions { MaxPerNamespace = options.MaxProbesPerNamespace });
        services.AddActivityReads(options.ActivityReads);
        services.AddServerPowerControllers();

        var app = builder.Build();
        // Built now, so its handler is on the ServerPower informer before the informer runs.
        app.Services.GetRequiredService<NamespaceQuota>();
        ServerCensus.Register(app.Services.GetRequiredService<ICacheReader>(), app.Services.GetRequiredService<TimeProvider>());
        // A reconcile runs for at most drain timeout + provider timeouts; a queue that finished nothing for far longer
        // while work waited is wedged, and the liveness probe should restart the process.
        var stallLimit = TimeSpan.FromMinutes(5) + options.DrainTimeout;
        app.MapGet("/healthz", (ControllerManager manager) => manager.IsStalled(stallLimit)
            ? Results.Text($"reconcile queue made no progress for {stallLimit.TotalMinutes:0.#} minutes", statusCode: StatusCodes.Status503ServiceUnavailable)
            : Results.Text("ok"));
        app.MapGet("/readyz", (ControllerManager manager) => !manager.HasSynced
            ? Results.Text("caches not synced", statusCode: StatusCodes.Status503ServiceUnavailable)
            : manager.IsStalled(stallLimit)
                ? Results.Text("reconcile queue made no progress", statusCode: StatusCodes.Status503ServiceUnavailable)
                : Results.Text("ok"));
        app.MapMetrics("/metrics");
        return app;
    }

    /// <summary>
    /// The operator's kinds and controllers: ServerPower (indexed by its PowerProvider, and enqueued when its
    /// PowerProvider is added, changes, reports a new status or goes; likewise by the PowerSchedule it follows, so a
    /// changed schedule re-evaluates all its servers at once), PowerProvider and PowerSchedule. ServerPowers beyond
    /// <see cref="OperatorOptions.MaxServersPerNamespace"/> in their namespace are only told so (<see cref="NamespaceLimitGate"/>).
    /// </summary>
    public static IServiceCollection AddServerPowerControllers(this IServiceCollection services)
    {
        services.AddInformer<ServerPowerResource>(ResourceKinds.ServerPower)
            .WithIndex(ServerIndexes.ProviderRef, ServerIndexes.ProviderRefOf)
            .WithIndex(ServerIndexes.ScheduleRef, ServerIndexes.ScheduleRefOf)
            .WithIndex(CachedServerIdLookup.Index, CachedServerIdLookup.IdOf)
            .WithTransform(new SharedStrings().Share);
        services.AddInformer<PowerProviderResource>(ResourceKinds.PowerProvider);
        services.TryAddSingleton<IServerIdLookup>(sp => new CachedServerIdLookup(sp.GetRequiredService<ICacheReader>()));
        services.TryAddSingleton<IServerOwnership>(sp => new ServerOwnership(sp.GetRequiredService<IServerIdLookup>(), sp.GetRequiredService<ProviderResolver>()));
        // The ServerPower controller's reconciler is the ServerPowerReconciler behind the per-namespace limit. A server's
        // change (its id, its provider, its deletion) re-decides who owns the servers with the same id.
        services.TryAddSingleton<IServerQueue>(sp => new ServerPowerQueue(sp));
        services.TryAddSingleton(sp => new NamespaceQuota(0, sp.GetRequiredService<IServerQueue>()));
        services.TryAddSingleton<ServerPowerReconciler>();
        services.AddController<NamespaceLimitGate, ServerPowerResource>(ServerControllerName)
            .Watches<PowerProviderResource>(ServerIndexes.ProviderRef, p => [ServerIndexes.Key(p.Metadata.NamespaceProperty, p.Metadata.Name)])
            .Watches<PowerScheduleResource>(ServerIndexes.ScheduleRef, s => [ServerIndexes.Key(s.Metadata.NamespaceProperty, s.Metadata.Name)])
            .Watches<ServerPowerResource>(CachedServerIdLookup.Index, CachedServerIdLookup.IdOf)
            .WatchesStartAfter();
        services.AddController<PowerProviderReconciler, PowerProviderResource>(ProviderControllerName);
        services.AddInformer<PowerScheduleResource>(ResourceKinds.PowerSchedule);
        services.AddController<PowerScheduleReconciler, PowerScheduleResource>(ScheduleControllerName);
        return services;
    }

    private static RuntimeOptions RuntimeSettings(OperatorOptions options) => new()
    {
        Informer = new InformerOptions { Namespaces = options.Namespaces },
        // Reconciles call providers: a failure backs off from 1 s (not client-go's 5 ms), so failures interleaved with
        // successes (which reset the backoff) never make more than a few provider calls a minute per server.
        Queue = new WorkQueueOptions { BaseDelay = QueueBaseDelay },
        LabelSelector = options.LabelSelector,
        Controller = new ControllerOptions { Workers = options.Workers, ResyncPeriod = options.ResyncPeriod, DrainTimeout = options.DrainTimeout },
        LeaderElection = new LeaderElectionOptions
        {
            Enabled = options.LeaderElection,
            LeaseName = options.LeaderElectionLease,
            LeaseNamespace = options.LeaderElectionNamespace,
        },
    };
}
