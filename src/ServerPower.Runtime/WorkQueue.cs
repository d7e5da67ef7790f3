using ServerPower.RateLimiting;

namespace ServerPower.Runtime;

/// <summary>
/// client-go's rate-limiting work queue for object keys.
/// <list type="bullet">
/// <item>A key added while it waits is queued once (the <c>dirty</c> set).</item>
/// <item>A key handed to a worker is in <c>processing</c>: adding it again marks it dirty, and it is handed out once
/// more only after <see cref="Done"/>, so two workers never hold one key.</item>
/// <item><see cref="AddRateLimited"/> waits the larger of the key's exponential backoff and the overall token bucket.</item>
/// <item><see cref="AddAfter"/> delays an add; while a key waits, an earlier ready time wins over a later one.</item>
/// <item>Keys are never dropped: there is no retry limit.</item>
/// <item>Two priorities: <see cref="Add"/> (and every timed re-add) goes ahead of <see cref="AddBackground"/> (resync
/// and relist), so a person's change, or the follow-up observation of an action, never waits behind a resync pass.</item>
/// </list>
/// After <see cref="ShutDown"/> new adds are ignored and <see cref="GetAsync"/> returns null at once.
/// Reports client-go's work queue metrics: depth, adds, retries, time queued, time worked and the work in progress.
/// </summary>
public sealed class WorkQueue : IRequeueTarget, IDisposable
{
    private readonly Lock gate = new();
    private readonly Queue<ObjectKey> ready = new();
    private readonly Queue<ObjectKey> background = new();
    private readonly HashSet<ObjectKey> dirty = [];
    private readonly HashSet<ObjectKey> backgroundKeys = [];
    private readonly HashSet<ObjectKey> processing = [];
    // Dirty keys a worker holds: added again while processing, queued only at Done. Not part of the depth.
    private int dirtyHeld;
    private readonly Dictionary<ObjectKey, DateTimeOffset> waiting = [];
    private readonly Dictionary<ObjectKey, long> addedAt = [];
    private readonly Dictionary<ObjectKey, long> startedAt = [];
    private readonly LinkedList<TaskCompletionSource<ObjectKey?>> getters = new();
    // Waiters given a key (or null at shut down) under the lock, completed after it is released (see Settle).
    private readonly List<(TaskCompletionSource<ObjectKey?> Waiter, ObjectKey? Key)> handoffs = [];
    private readonly ItemBackoff backoff;
    private readonly TokenBucket bucket;
    private readonly TimeProvider time;
    private readonly IRuntimeMetrics metrics;
    private readonly ITimer timer;
    private DateTimeOffset? timerDue;
    private DateTimeOffset lastProgress;
    private bool shuttingDown;

    public WorkQueue(string name, WorkQueueOptions? options = null, TimeProvider? time = null, IRuntimeMetrics? metrics = null)
    {
        options ??= new WorkQueueOptions();
        Name = name;
        this.time = time ?? TimeProvider.System;
        this.metrics = metrics ?? NullRuntimeMetrics.Instance;
        backoff = new ItemBackoff(options.BaseDelay, options.MaxDelay);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.QueriesPerSecond);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.Burst);
        bucket = new TokenBucket(options.QueriesPerSecond, options.Burst, this.time);
        timer = this.time.CreateTimer(_ => OnTimer(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        lastProgress = this.time.GetUtcNow();
        this.metrics.TrackInProgress(name, InProgress);
    }

    /// <summary>The work the workers hold now: the sum of their times so far, and the longest (for the metrics).</summary>
    public QueueInProgress InProgress()
    {
        lock (gate)
        {
            var now = time.GetTimestamp();
            var held = startedAt.Values.Select(started => time.GetElapsedTime(started, now)).ToList();
            return new QueueInProgress(
                held.Aggregate(TimeSpan.Zero, (sum, t) => sum + t),
                held.Count == 0 ? TimeSpan.Zero : held.Max());
        }
    }

    /// <summary>
    /// True when work is waiting or in flight and no key has been finished for longer than <paramref name="limit"/>:
    /// the workers are wedged (a hung call, a deadlock). Health checks use it so a liveness probe restarts the process.
    /// </summary>
    public bool IsStalled(TimeSpan limit)
    {
        lock (gate)
        {
            var busy = processing.Count > 0 || DepthLocked > 0;
            if (!busy) lastProgress = time.GetUtcNow();
            return busy && time.GetUtcNow() - lastProgress > limit;
        }
    }

    public string Name { get; }

    /// <summary>
    /// Where a worker waiting in <see cref="GetAsync"/> resumes with its key: null in the product (the waiter's
    /// continuation runs asynchronously, on the thread pool); in the systematic tests, the hand-off is an action their
    /// deterministic scheduler runs as one step, and the worker resumes inside it (no continuation escapes to the
    /// thread pool).
    /// </summary>
    internal Action<Action>? Dispatch { get; init; }

    /// <summary>
    /// Keys queued for a worker, each once (the depth metric, client-go's <c>len(queue)</c>): not the queues' entries,
    /// which keep a stale entry for a key promoted from the background queue, nor a key added again while a worker holds it.
    /// </summary>
    public int Length
    {
        get { lock (gate) return DepthLocked; }
    }

    private int DepthLocked => dirty.Count - dirtyHeld;

    /// <summary>Keys waiting for an <see cref="AddAfter"/> or a backoff delay.</summary>
    public int WaitingCount
    {
        get { lock (gate) return waiting.Count; }
    }

    public bool IsShuttingDown
    {
        get { lock (gate) return shuttingDown; }
    }

    public void Add(ObjectKey key)
    {
        lock (gate) AddLocked(key);
        Settle();
    }

    /// <summary>
    /// Adds a key behind every key added with <see cref="Add"/> (and every timed re-add): resync and relist work waits
    /// while work a person caused, and follow-up observations of actions, go first. Adding the key again with
    /// <see cref="Add"/> while it waits here moves it to the front queue.
    /// </summary>
    public void AddBackground(ObjectKey key)
    {
        lock (gate)
        {
            if (shuttingDown || !dirty.Add(key)) return;
            AddedLocked(key);
            if (processing.Contains(key))
            {
                dirtyHeld++;
                return;
            }
            background.Enqueue(key);
            backgroundKeys.Add(key);
            DispatchLocked();
        }
        Settle();
    }

    /// <summary>Adds the key after the delay. If it already waits to be added earlier, the earlier time stays.</summary>
    public void AddAfter(ObjectKey key, TimeSpan delay)
    {
        if (delay <= TimeSpan.Zero)
        {
            Add(key);
            return;
        }
        lock (gate)
        {
            if (shuttingDown) return;
            var readyAt = time.GetUtcNow() + delay;
            // Stryker disable once Equality : at an equal time, replacing the entry changes nothing
            if (waiting.TryGetValue(key, out var existing) && existing <= readyAt) return;
            waiting[key] = readyAt;
            ScheduleLocked();
        }
    }

    /// <summary>Adds the key after the larger of its per-key backoff and the overall token bucket delay.</summary>
    public void AddRateLimited(ObjectKey key)
    {
        TimeSpan delay;
        lock (gate)
        {
            if (shuttingDown) return;
            var perKey = backoff.When(key);
            var overall = bucket.Reserve();
            // Stryker disable once Equality : when both delays are equal either is the delay
            delay = perKey > overall ? perKey : overall;
        }
        metrics.QueueRetried(Name);
        AddAfter(key, delay);
    }

    /// <summary>Clears the key's failure count, so its next backoff starts from the base delay.</summary>
    public void Forget(ObjectKey key)
    {
        lock (gate) backoff.Forget(key);
    }

    public int NumRequeues(ObjectKey key)
    {
        lock (gate) return backoff.NumRequeues(key);
    }

    /// <summary>The next key to process, or null once the queue is shut down. Call <see cref="Done"/> when finished.</summary>
    public async Task<ObjectKey?> GetAsync(CancellationToken cancellationToken)
    {
        TaskCompletionSource<ObjectKey?> waiter;
        LinkedListNode<TaskCompletionSource<ObjectKey?>> node;
        lock (gate)
        {
            if (shuttingDown) return null;
            if (TakeLocked() is { } key)
            {
                StartedLocked(key);
                ReportDepthLocked();
                return key;
            }
            waiter = new TaskCompletionSource<ObjectKey?>(Dispatch is null
                ? TaskCreationOptions.RunContinuationsAsynchronously
                : TaskCreationOptions.None);
            node = getters.AddLast(waiter);
        }
        await using var registration = cancellationToken.Register(() =>
        {
            // Still waiting: cancel. Already taken from the list: a key (or null) is being handed to it; it gets it.
            bool waiting;
            lock (gate)
            {
                waiting = node.List is not null;
                if (waiting) getters.Remove(node);
            }
            if (waiting) waiter.TrySetCanceled(cancellationToken);
        });
        // Stryker disable once Boolean : the runtime has no synchronization context, so both resume on the thread pool
        return await waiter.Task.ConfigureAwait(false);
    }

    /// <summary>Marks the key as finished; if it was added meanwhile, it becomes ready again.</summary>
    public void Done(ObjectKey key)
    {
        lock (gate)
        {
            lastProgress = time.GetUtcNow();
            if (startedAt.Remove(key, out var started)) metrics.QueueDone(Name, time.GetElapsedTime(started));
            if (processing.Remove(key) && dirty.Contains(key))
            {
                dirtyHeld--;
                HandOutLocked(key);
            }
        }
        Settle();
    }

    public void ShutDown()
    {
        lock (gate)
        {
            // Stryker disable once Statement : a second shut down finds no waiter, no timed add and no armed timer: it changes nothing
            if (shuttingDown) return;
            shuttingDown = true;
            foreach (var getter in getters) handoffs.Add((getter, null));
            getters.Clear();
            waiting.Clear();
            timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }
        Settle();
    }

    public void Dispose()
    {
        ShutDown();
        timer.Dispose();
    }

    internal bool IsWaiting(ObjectKey key)
    {
        lock (gate) return waiting.ContainsKey(key);
    }

    internal bool IsProcessing(ObjectKey key)
    {
        lock (gate) return processing.Contains(key);
    }

    /// <summary>For tests: the queued keys (dirty), the keys workers hold, and the timed adds with their due times.</summary>
    internal (HashSet<ObjectKey> Dirty, HashSet<ObjectKey> Processing, Dictionary<ObjectKey, DateTimeOffset> Waiting) Snapshot()
    {
        lock (gate) return ([.. dirty], [.. processing], new(waiting));
    }

    private void AddLocked(ObjectKey key)
    {
        if (shuttingDown) return;
        if (!dirty.Add(key))
        {
            // Already waiting: a key waiting in the background moves to the front queue (its old entry is skipped).
            if (backgroundKeys.Remove(key) && !processing.Contains(key)) HandOutLocked(key);
            return;
        }
        AddedLocked(key);
        if (processing.Contains(key))
        {
            dirtyHeld++;
            return;
        }
        HandOutLocked(key);
    }

    /// <summary>The next dirty, not-processing key: front queue first. Entries made stale by a promotion are skipped.</summary>
    private ObjectKey? TakeLocked()
    {
        while (ready.TryDequeue(out var key) || background.TryDequeue(out key))
        {
            if (!dirty.Contains(key) || processing.Contains(key)) continue;
            dirty.Remove(key);
            backgroundKeys.Remove(key);
            processing.Add(key);
            return key;
        }
        return null;
    }

    /// <summary>Hands queued keys to waiting workers (after a background add, which does not go through HandOut).</summary>
    private void DispatchLocked()
    {
        while (getters.First is { } first && TakeLocked() is { } key)
        {
            getters.RemoveFirst();
            StartedLocked(key);
            handoffs.Add((first.Value, key));
        }
    }

    /// <summary>Gives a dirty, not-processing key to a waiting worker (completed by <see cref="Settle"/>), or queues it.</summary>
    private void HandOutLocked(ObjectKey key)
    {
        if (getters.First is { } first)
        {
            getters.RemoveFirst();
            dirty.Remove(key);
            processing.Add(key);
            StartedLocked(key);
            handoffs.Add((first.Value, key));
            return;
        }
        ready.Enqueue(key);
    }

    private void OnTimer()
    {
        lock (gate)
        {
            timerDue = null; // after ShutDown nothing waits (it cleared the timed adds), so a late tick adds nothing
            var now = time.GetUtcNow();
            foreach (var (key, readyAt) in waiting.ToList())
            {
                if (readyAt > now) continue;
                waiting.Remove(key);
                AddLocked(key);
            }
            ScheduleLocked();
        }
        Settle();
    }

    /// <summary>Points the single timer at the earliest waiting key (a linear scan: queues hold hundreds of keys, not millions).</summary>
    private void ScheduleLocked()
    {
        if (waiting.Count == 0) return;
        var earliest = waiting.Values.Min();
        // Stryker disable once Equality : at an equal time, re-arming the timer for the same moment changes nothing
        if (timerDue is { } due && due <= earliest) return;
        timerDue = earliest;
        var delay = earliest - time.GetUtcNow();
        // Stryker disable once Equality : a delay of zero is zero either way
        timer.Change(delay > TimeSpan.Zero ? delay : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
    }

    /// <summary>A key entered the queue (it was not queued): counted, and its time queued starts.</summary>
    private void AddedLocked(ObjectKey key)
    {
        addedAt[key] = time.GetTimestamp();
        metrics.QueueAdded(Name);
    }

    /// <summary>A worker took the key: its time queued ends and its time worked starts.</summary>
    private void StartedLocked(ObjectKey key)
    {
        var now = time.GetTimestamp();
        if (addedAt.Remove(key, out var added)) metrics.QueueTaken(Name, time.GetElapsedTime(added, now));
        startedAt[key] = now;
    }

    /// <summary>
    /// Reports the depth, then completes the hand-offs made under the lock, after leaving it: the one place waiters get
    /// their key (through <see cref="Dispatch"/> in the systematic tests), never while the lock is held. A waiter
    /// taken from the list is no longer cancelled (see <see cref="GetAsync"/>), so its completion always succeeds.
    /// </summary>
    private void Settle()
    {
        (TaskCompletionSource<ObjectKey?> Waiter, ObjectKey? Key)[] completing;
        lock (gate)
        {
            ReportDepthLocked();
            completing = [.. handoffs];
            handoffs.Clear();
        }
        foreach (var (waiter, key) in completing)
        {
            if (Dispatch is null) waiter.TrySetResult(key);
            else Dispatch(() => waiter.TrySetResult(key));
        }
    }

    private void ReportDepthLocked() => metrics.QueueDepth(Name, DepthLocked);
}
