using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using ServerPower.Operator.AutoStop;
using ServerPower.Operator.Probing;
using ServerPower.Operator.Endpoints;
using ServerPower.Providers.Activity;
using ServerPower.Providers.Outbound;

namespace ServerPower.Operator.Hosting;

/// <summary>
/// The services behind spec.autoStop.activity, unless --activity-reads=false: the reader (through the outbound
/// policy, as probes connect), the monitor with the probes' target rules, and its hosted schedule (otherwise <see cref="ActivityMonitorOff"/>). A read that changes
/// what a server shows enqueues it through IServerQueue (the ServerPower controller's queue). Without them, maxRuntime still stops servers; no
/// server is ever idle-stopped, since nothing is read.
/// </summary>
public static class AutoStopServices
{
    public static IServiceCollection AddActivityReads(this IServiceCollection services, bool enabled, ActivityMonitorOptions? options = null)
    {
        if (!enabled)
        {
            services.TryAddSingleton<IActivityMonitor>(ActivityMonitorOff.Instance);
            return services;
        }
        services.TryAddSingleton<IActivityReader>(sp => new ActivityReader(sp.GetRequiredService<OutboundConnector>(), sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(sp => new ActivityMonitor(sp.GetRequiredService<IActivityReader>(),
            new ActivityTargetPolicy(new ProbeTargetPolicy(sp.GetRequiredService<EndpointPolicy>())), sp.GetRequiredService<IServerQueue>(),
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<ActivityMonitor>>(), options));
        services.TryAddSingleton<IActivityMonitor>(sp => sp.GetRequiredService<ActivityMonitor>());
        services.AddHostedService<ActivityMonitorService>();
        return services;
    }
}
