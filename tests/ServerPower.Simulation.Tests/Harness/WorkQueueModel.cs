using ServerPower.Operator.Runtime;

namespace ServerPower.Simulation.Tests.Harness;

/// <summary>
/// The controller's work queue with the semantics of src/ServerPower.Operator/Runtime/WorkQueue.cs on the simulated
/// clock: a key is queued once while it waits (dirty), never handed to two workers (processing), re-queued after
/// Done if added meanwhile; AddAfter keeps the earlier due time; failures back off per key from the operator's configured base delay (OperatorHost.QueueBaseDelay), doubling to 5 min.
/// Each key remembers why it was queued (watch, resync, requeue, backoff, startup).
/// </summary>
internal sealed class WorkQueueModel(SimContext sim)
{
    private static readonly TimeSpan BaseDelay = ServerPower.Operator.Hosting.OperatorHost.QueueBaseDelay;
    private static readonly TimeSpan MaxDelay = TimeSpan.FromMinutes(5);

    private readonly List<ObjectKey> ready = [];
    private readonly HashSet<ObjectKey> dirty = [];
    private readonly HashSet<ObjectKey> processing = [];
    private readonly Dictionary<ObjectKey, DateTimeOffset> waiting = [];
    private readonly Dictionary<ObjectKey, int> failures = [];
    private readonly Dictionary<ObjectKey, HashSet<string>> reasons = [];

    public bool ShutDown { get; set; }

    public void Add(ObjectKey key, string reason)
    {
        if (ShutDown) return;
        if (!reasons.TryGetValue(key, out var why)) reasons[key] = why = [];
        why.Add(reason);
        if (!dirty.Add(key)) return;
        if (!processing.Contains(key)) ready.Add(key);
    }

    public void AddAfter(ObjectKey key, TimeSpan delay, string reason)
    {
        if (delay <= TimeSpan.Zero)
        {
            Add(key, reason);
            return;
        }
        if (ShutDown) return;
        var due = sim.Now + delay;
        if (waiting.TryGetValue(key, out var existing) && existing <= due) return;
        waiting[key] = due;
        sim.Agenda.At(due, () =>
        {
            if (!waiting.TryGetValue(key, out var at) || at != due) return;
            waiting.Remove(key);
            Add(key, reason);
        });
    }

    public void AddRateLimited(ObjectKey key)
    {
        var count = failures.GetValueOrDefault(key);
        failures[key] = count + 1;
        var ms = BaseDelay.TotalMilliseconds * Math.Pow(2, count);
        AddAfter(key, ms >= MaxDelay.TotalMilliseconds ? MaxDelay : TimeSpan.FromMilliseconds(ms), "backoff");
    }

    public void Forget(ObjectKey key) => failures.Remove(key);

    public bool TryGet(out ObjectKey key, out IReadOnlySet<string> why)
    {
        key = default;
        why = new HashSet<string>();
        if (ShutDown || ready.Count == 0) return false;
        key = ready[0];
        ready.RemoveAt(0);
        dirty.Remove(key);
        processing.Add(key);
        why = reasons.Remove(key, out var set) ? set : new HashSet<string>();
        return true;
    }

    public void Done(ObjectKey key)
    {
        processing.Remove(key);
        if (dirty.Contains(key) && !ShutDown) ready.Add(key);
    }
}
