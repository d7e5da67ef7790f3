using ServerPower.Runtime;
using ServerPower.RateLimiting;

namespace ServerPower.Simulation.Tests.Harness;

/// <summary>
/// The controller's work queue on the simulated clock, with the semantics of src/ServerPower.Runtime/WorkQueue.cs:
/// a key is queued once while it waits (dirty), never handed to two workers (processing), re-queued after Done if
/// added meanwhile; AddAfter keeps the earlier due time; AddRateLimited waits the larger of the real per-key backoff
/// (<see cref="ItemBackoff"/>, from the operator's configured base delay) and the real overall <see cref="TokenBucket"/>.
/// <para>Where the real queue has an order (front queue before background, FIFO within each), the model hands out a
/// ready key chosen by the seed: it allows every order the real queue can produce, and more, so the simulation
/// searches all of them. <c>WorkQueueRefinementTests</c> checks that every step of the real queue is a step this
/// model allows.</para>
/// Each key remembers why it was queued (watch, resync, requeue, backoff, startup).
/// </summary>
internal sealed class WorkQueueModel : IRequeueTarget
{
    private readonly SimContext sim;
    private readonly ItemBackoff backoff;
    private readonly TokenBucket bucket;
    private readonly List<ObjectKey> ready = [];
    private readonly HashSet<ObjectKey> dirty = [];
    private readonly HashSet<ObjectKey> processing = [];
    private readonly Dictionary<ObjectKey, DateTimeOffset> waiting = [];
    private readonly Dictionary<ObjectKey, HashSet<string>> reasons = [];

    public WorkQueueModel(SimContext sim, WorkQueueOptions? options = null)
    {
        this.sim = sim;
        options ??= new WorkQueueOptions { BaseDelay = ServerPower.Operator.Hosting.OperatorHost.QueueBaseDelay };
        backoff = new ItemBackoff(options.BaseDelay, options.MaxDelay);
        bucket = new TokenBucket(options.QueriesPerSecond, options.Burst, sim.Clock);
    }

    public bool ShutDown { get; set; }

    public IReadOnlySet<ObjectKey> Dirty => dirty;

    public IReadOnlySet<ObjectKey> Processing => processing;

    public IReadOnlyDictionary<ObjectKey, DateTimeOffset> Waiting => waiting;

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

    void IRequeueTarget.AddAfter(ObjectKey key, TimeSpan delay) => AddAfter(key, delay, "requeue");

    public void AddRateLimited(ObjectKey key)
    {
        if (ShutDown) return;
        var perKey = backoff.When(key);
        var overall = bucket.Reserve();
        AddAfter(key, perKey > overall ? perKey : overall, "backoff");
    }

    public void Forget(ObjectKey key) => backoff.Forget(key);

    /// <summary>Hands out a ready key chosen by the seed.</summary>
    public bool TryGet(out ObjectKey key, out IReadOnlySet<string> why) =>
        TryTake(ready.Count == 0 ? null : ready[sim.Rng.Next(ready.Count)], out key, out why);

    /// <summary>Hands out this key if it is ready (for the refinement check against the real queue).</summary>
    public bool TryTake(ObjectKey? wanted, out ObjectKey key, out IReadOnlySet<string> why)
    {
        key = default;
        why = new HashSet<string>();
        if (ShutDown || wanted is not { } chosen || !ready.Remove(chosen)) return false;
        key = chosen;
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
