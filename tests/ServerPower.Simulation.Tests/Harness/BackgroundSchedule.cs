namespace ServerPower.Simulation.Tests.Harness;

/// <summary>
/// Drives one of a process's own schedules (the real <see cref="Operator.Probing.ReadinessProber"/> or
/// <see cref="Operator.AutoStop.ActivityMonitor"/>) by their StartDue instead of their timer loop: after every step
/// of the agenda it starts what is due, then books an agenda entry at the next due time so the clock stops there.
/// Their runs begin with a Task.Yield (to leave the caller's thread); under <see cref="InlineContext"/> that yield
/// comes back here and every run finishes before Run returns (the simulated targets answer at once). So one piece of
/// code runs at a time, as for the reconciles, and a seed replays exactly.
/// </summary>
internal sealed class BackgroundSchedule(SimContext sim, Func<CancellationToken, (Task Started, TimeSpan? Next)> startDue)
{
    private DateTimeOffset? booked;

    public void Run()
    {
        var previous = SynchronizationContext.Current;
        var inline = new InlineContext();
        SynchronizationContext.SetSynchronizationContext(inline);
        (Task Started, TimeSpan? Next) due;
        try
        {
            while (true)
            {
                // A run starts with a yield, so nothing started when the result is complete before draining; after a
                // run, the schedule is asked again for a next due time that counts it.
                due = startDue(CancellationToken.None);
                var startedAny = !due.Started.IsCompleted;
                inline.Drain();
                if (!due.Started.IsCompleted) throw new InvalidOperationException("a probe or activity read did not finish inline");
                if (!startedAny) break;
            }
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(previous);
        }
        if (due.Next is not { } wait) return;
        var at = sim.Now + wait;
        if (booked is { } b && b > sim.Now && b <= at) return;
        booked = at;
        sim.Agenda.At(at, () => { });
    }

    /// <summary>Runs what is posted to it when asked, on the asking thread, in the order posted.</summary>
    private sealed class InlineContext : SynchronizationContext
    {
        private readonly Queue<(SendOrPostCallback Callback, object? State)> posted = new();

        public override void Post(SendOrPostCallback d, object? state) => posted.Enqueue((d, state));

        public void Drain()
        {
            while (posted.TryDequeue(out var work)) work.Callback(work.State);
        }
    }
}
