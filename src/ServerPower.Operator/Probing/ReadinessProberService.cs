using Microsoft.Extensions.Hosting;

namespace ServerPower.Operator.Probing;

/// <summary>
/// Runs the prober's schedule for the life of the process. It probes only what the reconciler tracks, so a replica
/// that does not lead (and reconciles nothing) connects nowhere.
/// </summary>
public sealed class ReadinessProberService(ReadinessProber prober) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => prober.RunAsync(stoppingToken);
}
