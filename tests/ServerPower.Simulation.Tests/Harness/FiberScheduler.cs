using ServerPower.Runtime;

namespace ServerPower.Simulation.Tests.Harness;

/// <summary>
/// Runs fibers one at a time. An edge parks the running fiber (<see cref="ParkAsync"/>) and books its wake-up on
/// the agenda; the agenda resumes it inline. So exactly one piece of code runs at any moment and every
/// interleaving is chosen by the seeded agenda: concurrency without threads racing.
/// </summary>
internal sealed class FiberScheduler(SimContext sim)
{
    private int nextId;

    /// <summary>The fiber whose code is running now; edges ask it who is calling.</summary>
    public Fiber? Current { get; private set; }

    /// <summary>Called each time a fiber parks (after its wake-up is booked): where process faults strike mid-reconcile.</summary>
    public Action<Fiber>? Parked { get; set; }

    public Fiber Start(OperatorProcess process, ObjectKey key, IReadOnlySet<string> triggers,
        Func<CancellationToken, Task<ReconcileResult>> body, Action<Fiber> onFinished)
    {
        var fiber = new Fiber(++nextId, process, key, triggers, onFinished) { StartSeq = sim.NextSeq() };
        RunSlice(fiber, () => fiber.Task = body(fiber.Cancellation.Token));
        return fiber;
    }

    /// <summary>Called by an edge: the current fiber waits for <paramref name="latency"/> of simulated time.</summary>
    public async Task<Fiber> ParkAsync(string where, TimeSpan latency, CancellationToken cancellationToken)
    {
        var fiber = Current ?? throw new InvalidOperationException("an edge was called outside a simulated reconcile");
        var resume = new TaskCompletionSource();
        fiber.Where = where;
        sim.Agenda.At(sim.Now + latency, () => Wake(fiber, resume));
        fiber.Resume = resume;
        Parked?.Invoke(fiber);
        await resume.Task;
        cancellationToken.ThrowIfCancellationRequested();
        return fiber;
    }

    /// <summary>Resumes a parked fiber at once (to let it see its cancelled token).</summary>
    public void WakeNow(Fiber fiber)
    {
        if (fiber.Resume is { } resume) sim.Agenda.At(sim.Now, () => Wake(fiber, resume));
    }

    private void Wake(Fiber fiber, TaskCompletionSource resume)
    {
        if (fiber.Abandoned || !ReferenceEquals(fiber.Resume, resume)) return;
        if (fiber.Process.PausedUntil > sim.Now)
        {
            // The whole process is frozen (GC pause, partition): it continues where it was once it thaws.
            var later = fiber.Process.PausedUntil + TimeSpan.FromMilliseconds(sim.Rng.Next(1, 50));
            sim.Agenda.At(later, () => Wake(fiber, resume));
            return;
        }
        fiber.Resume = null;
        RunSlice(fiber, resume.SetResult);
    }

    private void RunSlice(Fiber fiber, Action run)
    {
        Current = fiber;
        try
        {
            run();
            // Continuations run inline, so the fiber is parked again or finished here. Should the runtime ever move
            // one to the thread pool, wait for it: still only one piece of code runs at a time.
            if (fiber.Resume is null && !fiber.Finished
                && !SpinWait.SpinUntil(() => fiber.Resume is not null || fiber.Finished, TimeSpan.FromSeconds(30)))
                throw new InvalidOperationException($"fiber {fiber.Name} neither parked nor finished at {fiber.Where}");
        }
        finally
        {
            Current = null;
        }
        if (fiber.Finished) fiber.OnFinished(fiber);
    }
}
