using k8s.Models;
using ServerPower.Runtime;

namespace ServerPower.Systematic.Tests;

/// <summary>
/// A reconciler that checks the controller's promises while it runs: it asserts no key is reconciled twice at once,
/// records the generation it read from the informer's cache (null: the object is gone), yields so other tasks
/// interleave, and answers done, failure or a requeue as the scenario's choices say.
/// </summary>
internal sealed class CheckingReconciler(ObjectStore<V1ConfigMap> cache, DeterministicScheduler scheduler) : IReconciler
{
    private readonly object gate = new();
    private readonly HashSet<ObjectKey> running = [];
    private readonly Dictionary<ObjectKey, long?> lastSeen = [];

    public int Reconciles { get; private set; }

    public List<string> Violations { get; } = [];

    /// <summary>Once set, every reconcile succeeds (the scenario's faults have stopped).</summary>
    public bool Calm { get; set; }

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
            if (!running.Add(key)) Violations.Add($"{key} is reconciled twice at once");
            Reconciles++;
        }
        try
        {
            var generation = cache.Get(key)?.Metadata.Generation;
            await scheduler.Yield();
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
            lock (gate) running.Remove(key);
        }
    }
}
