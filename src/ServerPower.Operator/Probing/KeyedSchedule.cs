using ServerPower.Runtime;

namespace ServerPower.Operator.Probing;

/// <summary>
/// The timing the readiness prober and the auto-stop activity monitor share: one entry per server, run off the caller
/// when due (the first run at once, the next when its owner says), never twice at a time, in one of its namespace's
/// slots and then one of the shared ones. Owners hold <see cref="Gate"/> around everything they read or change of the
/// entries. An entry replaced by <see cref="Put"/> or removed makes the old one's pending run stale: it is dropped, and
/// its owner discards a result of it (<see cref="IsCurrent"/>).
/// </summary>
/// <param name="dispatch">Null in the product. The systematic tests' deterministic scheduler (tests/README.md,
/// "Systematic concurrency tests over the runtime"): runs start, wake-ups and slots are handed over as its steps.</param>
/// <param name="delay">Null in the product (Task.Delay on <paramref name="time"/>); the scheduler's delay, whose
/// cancelled awaiter resumes as a step, not on the thread pool.</param>
internal sealed class KeyedSchedule<T>(TimeProvider time, int maxConcurrency, int maxPerNamespace,
    Func<ObjectKey, KeyedSchedule<T>.Entry, CancellationToken, Task> run, Action<Action>? dispatch = null,
    Func<TimeSpan, CancellationToken, Task>? delay = null) where T : class
{
    private readonly Slots slots = new(maxConcurrency, dispatch);
    private readonly NamespaceSlots perNamespace = new(maxPerNamespace, dispatch);
    private readonly Dictionary<ObjectKey, Entry> entries = [];
    private readonly PriorityQueue<(ObjectKey Key, long Epoch), DateTimeOffset> due = new();
    private TaskCompletionSource wake = NewWake(dispatch);
    private long epochs;

    public Lock Gate { get; } = new();

    /// <summary>Entries scheduled; the caller holds <see cref="Gate"/>.</summary>
    public int Count => entries.Count;

    /// <summary>The current entry of <paramref name="key"/>, or null; the caller holds <see cref="Gate"/>.</summary>
    public Entry? Find(ObjectKey key) => entries.GetValueOrDefault(key);

    /// <summary>A new entry for <paramref name="key"/>, due now; the caller holds <see cref="Gate"/> and calls <see cref="Wake"/> after.</summary>
    public Entry Put(ObjectKey key, T value)
    {
        // Stryker disable once Update : --epochs gives unique epochs too, and epochs are only compared for equality
        var entry = new Entry(value, ++epochs);
        entries[key] = entry;
        due.Enqueue((key, entry.Epoch), time.GetUtcNow());
        return entry;
    }

    /// <summary>Drops <paramref name="key"/>'s entry; the caller holds <see cref="Gate"/>.</summary>
    public void Remove(ObjectKey key) => entries.Remove(key);

    /// <summary>Whether <paramref name="entry"/> is still <paramref name="key"/>'s; the caller holds <see cref="Gate"/>.</summary>
    public bool IsCurrent(ObjectKey key, Entry entry) => entries.TryGetValue(key, out var current) && current.Epoch == entry.Epoch;

    /// <summary>
    /// Ends a run of <paramref name="entry"/> and, while it is current, schedules the next at <paramref name="nextAt"/>
    /// (at once when that has passed); the caller holds <see cref="Gate"/> and calls <see cref="Wake"/> after.
    /// </summary>
    public bool Finished(ObjectKey key, Entry entry, DateTimeOffset nextAt)
    {
        if (!IsCurrent(key, entry)) return false;
        var now = time.GetUtcNow();
        // Stryker disable once Equality : at nextAt == now both branches are the same time
        due.Enqueue((key, entry.Epoch), nextAt > now ? nextAt : now);
        return true;
    }

    /// <summary>Starts the due runs and waits for the next due time or a wake-up, until cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            // The wake-up is taken before looking at what is due: whatever is added after the look completes it.
            Task woken;
            lock (Gate)
            {
                if (wake.Task.IsCompleted) wake = NewWake(dispatch);
                woken = wake.Task;
            }
            var (_, next) = StartDue(cancellationToken);
            using var sleep = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var sleeping = delay is not null ? delay(next ?? Timeout.InfiniteTimeSpan, sleep.Token)
                : next is { } wait ? Task.Delay(wait, time, sleep.Token) : Task.Delay(Timeout.InfiniteTimeSpan, sleep.Token);
            try
            {
                // Stryker disable once Boolean : ConfigureAwait(true) is the same without a synchronization context (the operator has none)
                await Task.WhenAny(sleeping, woken).ConfigureAwait(false);
            }
            finally
            {
                // CancelAsync runs the delay's cancellation on the thread pool, out of the systematic tests' order.
                // Stryker disable once Boolean : ConfigureAwait(true) is the same without a synchronization context (the operator has none)
                if (dispatch is null) await sleep.CancelAsync().ConfigureAwait(false);
                else sleep.Cancel();
            }
        }
    }

    /// <summary>Starts every run due now and returns them (tests await them) with the time until the next one is due.</summary>
    public (Task Started, TimeSpan? Next) StartDue(CancellationToken cancellationToken)
    {
        var started = new List<Task>();
        TimeSpan? next = null;
        lock (Gate)
        {
            var now = time.GetUtcNow();
            while (due.TryPeek(out var item, out var at))
            {
                // An item of an entry replaced or removed is stale. (A current entry has one item at a time, or a run in flight.)
                if (!entries.TryGetValue(item.Key, out var entry) || entry.Epoch != item.Epoch)
                {
                    due.Dequeue();
                    continue;
                }
                if (at > now)
                {
                    next = at - now;
                    break;
                }
                due.Dequeue();
                started.Add(RunAsync(item.Key, entry, cancellationToken));
            }
        }
        return (Task.WhenAll(started), next);
    }

    /// <summary>
    /// Ends the schedule's current wait. (A SemaphoreSlim here lost wake-ups: a release could be taken by a wait that
    /// had just been cancelled, and runs then stopped until something else was scheduled.)
    /// </summary>
    public void Wake()
    {
        TaskCompletionSource current;
        lock (Gate) current = wake;
        if (dispatch is null) current.TrySetResult();
        else dispatch(() => current.TrySetResult());
    }

    /// <summary>The product resumes the schedule's loop off the waker; under the scheduler, Wake's step resumes it.</summary>
    private static TaskCompletionSource NewWake(Action<Action>? dispatch) =>
        new(dispatch is null ? TaskCreationOptions.RunContinuationsAsynchronously : TaskCreationOptions.None);

    private async Task RunAsync(ObjectKey key, Entry entry, CancellationToken cancellationToken)
    {
        if (dispatch is null) await Task.Yield();
        // Stryker disable once Boolean : ConfigureAwait(true) is the same without a synchronization context (the operator has none)
        else await RuntimeTasks.Run(dispatch, () => Task.CompletedTask).ConfigureAwait(false);
        // The namespace's own slot first: a namespace's waiting runs queue there, not in front of other namespaces'.
        // Stryker disable once Boolean : ConfigureAwait(true) is the same without a synchronization context (the operator has none)
        await perNamespace.RunAsync(key.Namespace, () => RunInSlotAsync(key, entry, cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    private async Task RunInSlotAsync(ObjectKey key, Entry entry, CancellationToken cancellationToken)
    {
        try
        {
            await slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        try
        {
            await run(key, entry, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            slots.Release();
        }
    }

    /// <summary>One scheduled value and its epoch (which <see cref="Put"/> made it current).</summary>
    public sealed class Entry(T value, long epoch)
    {
        public T Value { get; } = value;
        public long Epoch { get; } = epoch;
    }
}
