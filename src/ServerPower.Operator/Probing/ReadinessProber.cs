using Microsoft.Extensions.Logging;
using ServerPower.Api.Resources;
using ServerPower.Operator.Decision;
using ServerPower.Runtime;

namespace ServerPower.Operator.Probing;

/// <summary>
/// Runs every tracked server's readiness probe on its own schedule (every periodSeconds, the first one at once), apart
/// from the reconcile queue: at most <see cref="ProberOptions.MaxConcurrency"/> probes are in flight, at most
/// <see cref="ProberOptions.MaxPerNamespace"/> of them for one namespace, each gives up after its timeoutSeconds, and no
/// reconcile ever waits for one. The reconciler reads the latest
/// <see cref="ProbeSnapshot"/> and says what to track; when what a server shows of its probe changes
/// (<see cref="ProbeCounting.Shown"/>), the server is enqueued through <see cref="IServerQueue"/>.
/// </summary>
public sealed class ReadinessProber : IReadinessProbes
{
    private readonly IProbeRunner runner;
    private readonly ProbeTargetPolicy policy;
    private readonly IServerQueue servers;
    private readonly TimeProvider time;
    private readonly ILogger logger;
    private readonly KeyedSchedule<Target> schedule;

    /// <param name="servers">Where a server whose shown probe state changed is enqueued (called on a probe's thread).</param>
    public ReadinessProber(IProbeRunner runner, ProbeTargetPolicy policy, IServerQueue servers, TimeProvider time, ILogger<ReadinessProber> logger,
        ProberOptions options)
    {
        this.runner = runner;
        this.policy = policy;
        this.servers = servers;
        this.time = time;
        this.logger = logger;
        schedule = new KeyedSchedule<Target>(time, options.MaxConcurrency, options.MaxPerNamespace, ProbeAsync);
    }

    public int Count
    {
        get { lock (schedule.Gate) return schedule.Count; }
    }

    /// <summary>Null when the operator may probe this target; otherwise why not.</summary>
    public string? Check(ReadinessProbeSpec probe) => policy.Check(probe);

    /// <summary>The latest snapshot of a tracked server, or null.</summary>
    public ProbeSnapshot? Observe(ObjectKey key)
    {
        lock (schedule.Gate) return schedule.Find(key)?.Value.Snapshot;
    }

    public ReadinessView? View(ObjectKey key, ReadinessProbeSpec probe, DateTimeOffset? since)
    {
        var snapshot = Observe(key);
        return new ReadinessView(snapshot?.Since == since ? snapshot : null, Check(probe));
    }

    /// <summary>
    /// Probes <paramref name="key"/> with <paramref name="probe"/>, counting from <paramref name="since"/>; null stops
    /// probing it and forgets its results. A new probe or a later start begins afresh (Pending, first probe at once).
    /// </summary>
    public void Track(ObjectKey key, ReadinessProbeSpec? probe, DateTimeOffset? since)
    {
        lock (schedule.Gate)
        {
            if (probe is null)
            {
                schedule.Remove(key);
                ProbeMetrics.Targets.Set(schedule.Count);
                return;
            }
            if (schedule.Find(key)?.Value is { } existing && existing.Probe == probe && existing.Snapshot.Since == since) return;
            schedule.Put(key, new Target(probe, ProbeCounting.Fresh(since)));
            ProbeMetrics.Targets.Set(schedule.Count);
        }
        schedule.Wake();
    }

    /// <summary>Starts the due probes and waits for the next due time or a new target, until cancelled.</summary>
    public Task RunAsync(CancellationToken cancellationToken) => schedule.RunAsync(cancellationToken);

    /// <summary>Starts every probe due now and returns them (tests await them) with the time until the next one is due.</summary>
    public (Task Started, TimeSpan? Next) StartDue(CancellationToken cancellationToken) => schedule.StartDue(cancellationToken);

    private async Task ProbeAsync(ObjectKey key, KeyedSchedule<Target>.Entry entry, CancellationToken cancellationToken)
    {
        var target = entry.Value;
        ProbeAttempt attempt;
        var startedAt = time.GetUtcNow();
        try
        {
            attempt = await runner.RunAsync(target.Probe, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return;
        }
        catch (Exception e)
        {
            // Stryker disable once Statement,String : a log line only
            logger.LogWarning(e, "readiness probe of {Key} failed unexpectedly", key);
            attempt = new ProbeAttempt(false, e.GetType().Name, TimeSpan.Zero);
        }
        ProbeMetrics.Record(target.Probe.TcpSocket is not null ? "tcpSocket" : "httpGet", attempt);

        bool changed;
        ProbeVerdict verdictBefore, verdictAfter;
        lock (schedule.Gate)
        {
            // A result of a target replaced or dropped meanwhile (new probe, a restart, declared Stopped) is discarded.
            if (!schedule.Finished(key, entry, startedAt + TimeSpan.FromSeconds(target.Probe.PeriodSeconds))) return;
            var before = ProbeCounting.Shown(target.Snapshot, target.Probe);
            verdictBefore = target.Snapshot.Verdict;
            target.Snapshot = ProbeCounting.Apply(target.Snapshot, target.Probe, attempt.Success, attempt.Message, startedAt, attempt.Refused);
            verdictAfter = target.Snapshot.Verdict;
            changed = !Equals(before, ProbeCounting.Shown(target.Snapshot, target.Probe));
        }
        schedule.Wake();
        if (changed)
        {
            // Stryker disable once all : chooses and writes a log line only
            if (verdictBefore != verdictAfter)
                logger.LogInformation("readiness probe of {Key} is {Verdict}: {Message}", key, verdictAfter, attempt.Message);
            else
                logger.LogDebug("readiness probe of {Key}: {Result} ({Message})", key, attempt.Success ? "success" : "failure", attempt.Message);
            servers.Enqueue(key);
        }
    }

    private sealed class Target(ReadinessProbeSpec probe, ProbeSnapshot snapshot)
    {
        public ReadinessProbeSpec Probe { get; } = probe;
        public ProbeSnapshot Snapshot { get; set; } = snapshot;
    }
}
