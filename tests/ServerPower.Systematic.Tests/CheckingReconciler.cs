using k8s.Models;
using ServerPower.Runtime;

namespace ServerPower.Systematic.Tests;

/// <summary>
/// A replica's reconciler that checks the controller's promises while it runs: no key reconciled twice at once by
/// this replica, none started after the replica lost leadership (<see cref="Deposed"/>). It records the generation it
/// read from the informer's cache (null: the object is gone), yields so other steps interleave, may hang in a long
/// provider call (a paused leader), and answers done, failure, conflict or a requeue as the seed picks.
/// <see cref="Shared"/> counts keys two replicas reconciled at once.
/// </summary>
internal sealed class CheckingReconciler(string replica, ObjectStore<V1ConfigMap> cache, DeterministicScheduler scheduler,
    TimeProvider time, SharedLedger shared) : IReconciler
{
    private readonly object gate = new();
    private readonly HashSet<ObjectKey> running = [];
    private readonly Dictionary<ObjectKey, long?> lastSeen = [];

    public int Reconciles { get; private set; }

    public List<string> Violations { get; } = [];

    /// <summary>Once set, every reconcile is quick and succeeds (the scenario's faults have stopped).</summary>
    public bool Calm { get; set; }

    /// <summary>Set when the replica lost leadership: starting a reconcile after that is a violation.</summary>
    public bool Deposed { get; set; }

    /// <summary>Reconciles may wait this long in a provider call (zero: never), outlasting a drain timeout.</summary>
    public TimeSpan LongCall { get; init; }

    /// <summary>The generation the key's last reconcile read from the cache (null: gone), if it was reconciled.</summary>
    public bool TryLastSeen(ObjectKey key, out long? generation)
    {
        lock (gate) return lastSeen.TryGetValue(key, out generation);
    }

    public async Task<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken cancellationToken)
    {
        scheduler.CheckThread("a reconcile");
        lock (gate)
        {
            if (!running.Add(key)) Violations.Add($"{replica}: {key} is reconciled twice at once");
            if (Deposed) Violations.Add($"{replica}: started reconciling {key} after it lost leadership");
            Reconciles++;
        }
        shared.Enter(key);
        try
        {
            var generation = cache.Get(key)?.Metadata.Generation;
            await scheduler.Yield();
            if (!Calm && LongCall > TimeSpan.Zero && scheduler.Choices.Next(3) == 0)
                await scheduler.DelayAsync(time, LongCall, cancellationToken);
            lock (gate) lastSeen[key] = generation;
            if (Calm) return ReconcileResult.Done;
            return scheduler.Choices.Next(6) switch
            {
                0 => ReconcileResult.Fail("injected failure"),
                1 => ReconcileResult.After(TimeSpan.FromSeconds(1)),
                2 => ReconcileResult.Conflicted,
                _ => ReconcileResult.Done,
            };
        }
        finally
        {
            shared.Leave(key);
            scheduler.CheckThread("the end of a reconcile");
            lock (gate) running.Remove(key);
        }
    }
}

/// <summary>
/// Keys in reconcile on any replica: counts the times two replicas reconciled one key at once; and, as the
/// <see cref="PromiseLedger"/> counts them, a replica's actions and status writes after a later replica's.
/// </summary>
internal sealed class SharedLedger
{
    private readonly Dictionary<ObjectKey, int> active = [];

    public int Overlaps { get; private set; }

    public int LateSends { get; set; }

    public int LateWrites { get; set; }

    /// <summary>Leadership terms in the run (the ServerPower handover scenario; zero elsewhere).</summary>
    public int Terms { get; set; }

    public void Enter(ObjectKey key)
    {
        lock (active)
        {
            var count = active.GetValueOrDefault(key);
            if (count > 0) Overlaps++;
            active[key] = count + 1;
        }
    }

    public void Leave(ObjectKey key)
    {
        lock (active) active[key]--;
    }
}
