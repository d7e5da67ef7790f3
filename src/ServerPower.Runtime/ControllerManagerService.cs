using Microsoft.Extensions.Hosting;

namespace ServerPower.Runtime;

/// <summary>
/// Runs the <see cref="ControllerManager"/> for the life of the host. Being stopped is a normal end, also when the host
/// stops because it failed to start (a taken port): the host would otherwise log the cancellation as a crash.
/// </summary>
public sealed class ControllerManagerService(ControllerManager manager) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            // Stryker disable once Boolean : the runtime has no synchronization context, so both resume on the thread pool
            await manager.RunAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
