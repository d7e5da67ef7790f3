using Microsoft.Extensions.Hosting;

namespace ServerPower.Operator.Runtime;

/// <summary>Runs the <see cref="ControllerManager"/> for the life of the host.</summary>
public sealed class ControllerManagerService(ControllerManager manager) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => manager.RunAsync(stoppingToken);
}
