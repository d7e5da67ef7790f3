using Microsoft.Extensions.Logging;
using ServerPower.Operator.Probing;
using ServerPower.Providers.Activity;
using ServerPower.Runtime;

namespace ServerPower.Operator.AutoStop;

/// <summary>
/// Reads every watched server's player count on its own schedule (every periodSeconds, the first at once), apart from
/// the reconcile queue, as the <see cref="ReadinessProber"/> runs probes: at most
/// <see cref="ActivityMonitorOptions.MaxConcurrency"/> reads in flight, at most
/// <see cref="ActivityMonitorOptions.MaxPerNamespace"/> of them for one namespace, each bounded by the reader's timeout
/// and size, and no reconcile waits for one (except the one <see cref="ReadNowAsync"/> it asks for). Reads add up by
/// <see cref="IdleRun"/>; when what a server shows of them changes (<see cref="IdleRun.Shown"/>), the server is enqueued
/// through <see cref="OnChange"/>.
/// </summary>
public sealed class ActivityMonitor : IActivityMonitor
{
    private readonly IActivityReader reader;
    private readonly ActivityTargetPolicy policy;
    private readonly TimeProvider time;
    private readonly ILogger logger;
    private readonly SemaphoreSlim slots;
    private readonly NamespaceSlots perNamespace;
    private TaskCompletionSource wake = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock gate = new();
    private readonly Dictionary<ObjectKey, Watch> watches = [];
    private readonly PriorityQueue<(ObjectKey Key, long Epoch), DateTimeOffset> due = new();
    private long epochs;

    public ActivityMonitor(IActivityReader reader, ActivityTargetPolicy policy, TimeProvider time, ILogger<ActivityMonitor> logger,
        ActivityMonitorOptions? options = null)
    {
        this.reader = reader;
        this.policy = policy;
        this.time = time;
        this.logger = logger;
        options ??= new ActivityMonitorOptions();
        slots = new SemaphoreSlim(options.MaxConcurrency);
        perNamespace = new NamespaceSlots(options.MaxPerNamespace);
    }

    /// <summary>Called (on a read's thread) with a server whose shown activity changed; wire it to the work queue.</summary>
    public Action<ObjectKey>? OnChange { get; set; }

    public int Count
    {
        get { lock (gate) return watches.Count; }
    }

    public string? Check(ActivitySpec spec) => policy.Check(spec);

    public ActivityState? Observe(ObjectKey key)
    {
        lock (gate) return watches.GetValueOrDefault(key)?.State;
    }

    public void Ensure(ObjectKey key, ActivitySpec spec)
    {
        lock (gate)
        {
            if (watches.TryGetValue(key, out var existing) && existing.Spec == spec) return;
            var watch = new Watch(spec, ++epochs);
            watches[key] = watch;
            due.Enqueue((key, watch.Epoch), time.GetUtcNow());
            ActivityMetrics.Targets.Set(watches.Count);
        }
        Wake();
    }

    public void Forget(ObjectKey key)
    {
        lock (gate)
        {
            watches.Remove(key);
            ActivityMetrics.Targets.Set(watches.Count);
        }
    }

    public async Task<ActivityRead> ReadNowAsync(ObjectKey key, CancellationToken cancellationToken)
    {
        Watch? watch;
        lock (gate) watch = watches.GetValueOrDefault(key);
        if (watch is null) return ActivityRead.Unknown(ActivityOutcome.Failed, "the server's activity is not being read");
        var startedAt = time.GetUtcNow();
        var read = await ReadAsync(key, watch.Spec, cancellationToken).ConfigureAwait(false);
        Apply(key, watch, read, startedAt);
        return read;
    }

    /// <summary>Starts the due reads and waits for the next due time or a new watch, until cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            // The wake-up is taken before looking at what is due: whatever is added after the look completes it.
            Task woken;
            lock (gate)
            {
                if (wake.Task.IsCompleted) wake = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                woken = wake.Task;
            }
            var (_, next) = StartDue(cancellationToken);
            using var delay = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var sleeping = next is { } wait ? Task.Delay(wait, time, delay.Token) : Task.Delay(Timeout.InfiniteTimeSpan, delay.Token);
            try
            {
                await Task.WhenAny(sleeping, woken).ConfigureAwait(false);
            }
            finally
            {
                await delay.CancelAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>Starts every read due now and returns them (tests await them) with the time until the next one is due.</summary>
    public (Task Started, TimeSpan? Next) StartDue(CancellationToken cancellationToken)
    {
        var started = new List<Task>();
        TimeSpan? next = null;
        lock (gate)
        {
            var now = time.GetUtcNow();
            while (due.TryPeek(out var item, out var at))
            {
                if (!watches.TryGetValue(item.Key, out var watch) || watch.Epoch != item.Epoch || watch.InFlight)
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
                watch.InFlight = true;
                started.Add(ScheduledReadAsync(item.Key, watch, cancellationToken));
            }
        }
        return (Task.WhenAll(started), next);
    }

    private async Task ScheduledReadAsync(ObjectKey key, Watch watch, CancellationToken cancellationToken)
    {
        await Task.Yield();
        await perNamespace.RunAsync(key.Namespace, () => ReadInSlotAsync(key, watch, cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    private async Task ReadInSlotAsync(ObjectKey key, Watch watch, CancellationToken cancellationToken)
    {
        try
        {
            await slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        ActivityRead read;
        var startedAt = time.GetUtcNow();
        try
        {
            read = await ReadAsync(key, watch.Spec, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return;
        }
        finally
        {
            slots.Release();
        }
        lock (gate)
        {
            watch.InFlight = false;
            if (watches.TryGetValue(key, out var current) && current.Epoch == watch.Epoch)
            {
                var nextAt = startedAt + TimeSpan.FromSeconds(watch.Spec.PeriodSeconds);
                var now = time.GetUtcNow();
                due.Enqueue((key, watch.Epoch), nextAt > now ? nextAt : now);
            }
        }
        Wake();
        if (Apply(key, watch, read, startedAt)) OnChange?.Invoke(key);
    }

    /// <summary>One read that never throws for the target's failures; counted in the metrics.</summary>
    private async Task<ActivityRead> ReadAsync(ObjectKey key, ActivitySpec spec, CancellationToken cancellationToken)
    {
        ActivityRead read;
        try
        {
            read = await reader.ReadAsync(spec.Target, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning(e, "activity read of {Key} failed unexpectedly", key);
            read = ActivityRead.Unknown(ActivityOutcome.Failed, e.GetType().Name);
        }
        ActivityMetrics.Record(spec.Target, read);
        return read;
    }

    /// <summary>
    /// Adds a read to the watch's state unless the watch was replaced or forgotten meanwhile (its result is then
    /// discarded); true when what the server shows changed.
    /// </summary>
    private bool Apply(ObjectKey key, Watch watch, ActivityRead read, DateTimeOffset at)
    {
        bool changed;
        lock (gate)
        {
            if (!watches.TryGetValue(key, out var current) || current.Epoch != watch.Epoch) return false;
            var before = IdleRun.Shown(watch.State);
            watch.State = IdleRun.Apply(watch.State, read, at);
            changed = !Equals(before, IdleRun.Shown(watch.State));
        }
        if (changed) logger.LogDebug("activity of {Key}: {Outcome} ({Message})", key, read.Outcome, read.Message);
        return changed;
    }

    /// <summary>Ends the schedule's current wait.</summary>
    private void Wake()
    {
        TaskCompletionSource current;
        lock (gate) current = wake;
        current.TrySetResult();
    }

    private sealed class Watch(ActivitySpec spec, long epoch)
    {
        public ActivitySpec Spec { get; } = spec;
        public long Epoch { get; } = epoch;
        public ActivityState State { get; set; } = ActivityState.Fresh;
        public bool InFlight { get; set; }
    }
}
