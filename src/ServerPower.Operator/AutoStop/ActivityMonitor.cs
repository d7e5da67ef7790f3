using ServerPower.Operator.Decision;
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
/// through <see cref="IServerQueue"/>.
/// </summary>
public sealed class ActivityMonitor : IActivityMonitor
{
    private readonly IActivityReader reader;
    private readonly ActivityTargetPolicy policy;
    private readonly IServerQueue servers;
    private readonly TimeProvider time;
    private readonly ILogger logger;
    private readonly KeyedSchedule<Watch> schedule;

    /// <param name="servers">Where a server whose shown activity changed is enqueued (called on a read's thread).</param>
    public ActivityMonitor(IActivityReader reader, ActivityTargetPolicy policy, IServerQueue servers, TimeProvider time, ILogger<ActivityMonitor> logger,
        ActivityMonitorOptions? options = null)
    {
        this.reader = reader;
        this.policy = policy;
        this.servers = servers;
        this.time = time;
        this.logger = logger;
        options ??= new ActivityMonitorOptions();
        schedule = new KeyedSchedule<Watch>(time, options.MaxConcurrency, options.MaxPerNamespace, ScheduledReadAsync);
    }

    public int Count
    {
        get { lock (schedule.Gate) return schedule.Count; }
    }

    public string? Check(ActivitySpec spec) => policy.Check(spec);

    public ActivityState? Observe(ObjectKey key)
    {
        lock (schedule.Gate) return schedule.Find(key)?.Value.State;
    }

    public void Ensure(ObjectKey key, ActivitySpec spec)
    {
        lock (schedule.Gate)
        {
            if (schedule.Find(key)?.Value.Spec == spec) return;
            schedule.Put(key, new Watch(spec));
            ActivityMetrics.Targets.Set(schedule.Count);
        }
        schedule.Wake();
    }

    public void Forget(ObjectKey key)
    {
        lock (schedule.Gate)
        {
            schedule.Remove(key);
            ActivityMetrics.Targets.Set(schedule.Count);
        }
    }

    public async Task<ActivityRead> ReadNowAsync(ObjectKey key, CancellationToken cancellationToken)
    {
        KeyedSchedule<Watch>.Entry? entry;
        lock (schedule.Gate) entry = schedule.Find(key);
        if (entry is null) return ActivityRead.Unknown(ActivityOutcome.Failed, "the server's activity is not being read");
        var startedAt = time.GetUtcNow();
        var read = await ReadAsync(key, entry.Value.Spec, cancellationToken).ConfigureAwait(false);
        lock (schedule.Gate)
        {
            if (schedule.IsCurrent(key, entry)) Apply(key, entry.Value, read, startedAt);
        }
        return read;
    }

    /// <summary>Starts the due reads and waits for the next due time or a new watch, until cancelled.</summary>
    public Task RunAsync(CancellationToken cancellationToken) => schedule.RunAsync(cancellationToken);

    /// <summary>Starts every read due now and returns them (tests await them) with the time until the next one is due.</summary>
    public (Task Started, TimeSpan? Next) StartDue(CancellationToken cancellationToken) => schedule.StartDue(cancellationToken);

    private async Task ScheduledReadAsync(ObjectKey key, KeyedSchedule<Watch>.Entry entry, CancellationToken cancellationToken)
    {
        var watch = entry.Value;
        var startedAt = time.GetUtcNow();
        ActivityRead read;
        try
        {
            read = await ReadAsync(key, watch.Spec, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return;
        }
        bool changed;
        lock (schedule.Gate)
        {
            // A result of a watch replaced or forgotten meanwhile is discarded.
            if (!schedule.Finished(key, entry, startedAt + TimeSpan.FromSeconds(watch.Spec.PeriodSeconds))) return;
            changed = Apply(key, watch, read, startedAt);
        }
        schedule.Wake();
        if (changed) servers.Enqueue(key);
    }

    /// <summary>One read that never throws for the target's failures (only when cancelled); counted in the metrics.</summary>
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

    /// <summary>Adds a read to the watch's state; the caller holds the schedule's gate. True when what the server shows changed.</summary>
    private bool Apply(ObjectKey key, Watch watch, ActivityRead read, DateTimeOffset at)
    {
        var before = IdleRun.Shown(watch.State);
        watch.State = IdleRun.Apply(watch.State, read, at);
        var changed = !Equals(before, IdleRun.Shown(watch.State));
        if (changed) logger.LogDebug("activity of {Key}: {Outcome} ({Message})", key, read.Outcome, read.Message);
        return changed;
    }

    private sealed class Watch(ActivitySpec spec)
    {
        public ActivitySpec Spec { get; } = spec;
        public ActivityState State { get; set; } = ActivityState.Fresh;
    }
}
