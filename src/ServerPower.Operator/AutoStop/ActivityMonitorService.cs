using Microsoft.Extensions.Hosting;

namespace ServerPower.Operator.AutoStop;

/// <summary>
/// Runs the activity monitor's schedule for the life of the process. It reads only what the reconciler watches, so a
/// replica that does not lead (and reconciles nothing) connects nowhere.
/// </summary>
public sealed class ActivityMonitorService(ActivityMonitor monitor) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => monitor.RunAsync(stoppingToken);
}
