using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ServerPower.Operator.Decision;
using ServerPower.Operator.Kubernetes;
using ServerPower.Operator.Metrics;
using ServerPower.Operator.Reconciliation;
using ServerPower.Operator.Runtime;

namespace ServerPower.Operator.Hosting;

/// <summary>Runs the controller host with both reconcilers until the process stops.</summary>
public sealed class OperatorService(
    ControllerHost host,
    IResourceClient client,
    ProviderResolver resolver,
    IEventRecorder events,
    DecisionSettings settings,
    ILoggerFactory loggers) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        ServerCensus.Register(host, TimeProvider.System);
        var servers = new ServerPowerReconciler(client, resolver, events, TimeProvider.System, settings,
            loggers.CreateLogger<ServerPowerReconciler>());
        var providers = new PowerProviderReconciler(client, resolver, TimeProvider.System, settings,
            key => host.EnqueueServersOf(key), loggers.CreateLogger<PowerProviderReconciler>());
        return host.RunAsync(servers, providers, stoppingToken);
    }
}
