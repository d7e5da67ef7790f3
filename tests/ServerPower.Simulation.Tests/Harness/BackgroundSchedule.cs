namespace ServerPower.Simulation.Tests.Harness;

/// <summary>
/// Drives one of a process's own schedules (the real <see cref="Operator.Probing.ReadinessProber"/> or
/// <see cref="Operator.AutoStop.ActivityMonitor"/>) by their StartDue instead of their timer loop: after every step
/// of the agenda it starts what is due and waits for those runs to finish (they run on pool threads, against edges
/// that answer at once and only read), then books an agenda entry at the next due time so the clock stops there.
/// So one piece of code runs at a time, as for the reconciles, and a seed replays exactly.
/// </summary>
internal sealed class BackgroundSchedule(SimContext sim, string name, Func<CancellationToken, (Task Started, TimeSpan? Next)> startDue)
{
    private DateTimeOffset? booked;

    public string Name { get; } = name;

    public void Run()
    {
        while (true)
        {
            var (started, next) = startDue(CancellationToken.None);
            if (!started.IsCompleted)
            {
                started.Wait();
                continue;
            }
            if (next is not { } wait) return;
            var at = sim.Now + wait;
            if (booked is { } b && b > sim.Now && b <= at) return;
            booked = at;
            sim.Agenda.At(at, () => { });
            return;
        }
    }
}
