using ServerPower.Api.Resources;
using ServerPower.Providers.Activity;

namespace ServerPower.Simulation.Tests.Harness;

/// <summary>
/// An activity read from the simulated world: the target names its ServerPower (<see cref="FlowHosts"/>); a running
/// server answers its players, a stopped or gone one does not answer, and one whose count cannot be read answers
/// something unreadable. The reconcile's own read (the confirmation before an idle stop) is an await like any edge;
/// the monitor's scheduled reads answer at once (on a pool thread while the agenda waits). Every read is told to the
/// <see cref="Monitor"/>, which judges an idle stop by the reads of the process that decided it (<paramref name="process"/>).
/// </summary>
internal sealed class SimActivityReader(SimKube kube, ProviderWorld world, FiberScheduler fibers, Monitor monitor, SimContext sim, int process) : IActivityReader
{
    public async Task<ActivityRead> ReadAsync(ActivityTarget target, CancellationToken cancellationToken)
    {
        if (fibers.Current is not null)
            await fibers.ParkAsync("activity read", TimeSpan.FromMilliseconds(sim.Rng.Next(5, 200)), cancellationToken);
        var server = FlowHosts.ServerOf(kube, world, target.Host);
        var read = server switch
        {
            null or { Gone: true } => ActivityRead.Unknown(ActivityOutcome.Failed, "no such host"),
            { Power: not PowerState.Running } => ActivityRead.Unknown(ActivityOutcome.Failed, "connection refused"),
            { Players: { } n } => ActivityRead.Count(n, $"{n} players"),
            _ => ActivityRead.Unknown(ActivityOutcome.Unreadable, "not a status response"),
        };
        monitor.OnActivityRead(process, target.Host, sim.Now, read.Players);
        return read;
    }
}
