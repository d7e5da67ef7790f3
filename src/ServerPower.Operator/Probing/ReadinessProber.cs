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
    private readonly IServerQueue servers;
    private readonly ProbeTargetPolicy policy;
    private readonly TimeProvider time;
    private readonly ILogger logger;
    private readonly SemaphoreSlim slots;
    private readonly NamespaceSlots perNamespace;
    private TaskCompletionSource wake = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock gate = new();
    private readonly Dictionary<ObjectKey, Target> targets = [];
    private readonly PriorityQueue<(ObjectKey Key, long Epoch), DateTimeOffset> due = new();
    private long epochs;

    /// <param name="servers">Where a server whose shown probe state changed is enqueued (called on a probe's thread).</param>
    public ReadinessProber(IProbeRunner runner, ProbeTargetPolicy policy, IServerQueue servers, TimeProvider time, ILogger<ReadinessProber> logger,
        ProberOptions options)
    {
        this.runner = runner;
        this.policy = policy;
        this.servers = servers;
        this.time = time;
        this.logger = logger;
        slots = new SemaphoreSlim(options.MaxConcurrency);
        perNamespace = new NamespaceSlots(options.MaxPerNamespace);
    }

    public int Count
    {
        get { lock (gate) return targets.Count; }
    }

    /// <summary>Null when the operator may probe this target; otherwise why not.</summary>
    public string? Check(ReadinessProbeSpec probe) => policy.Check(probe);

    /// <summary>The latest snapshot of a tracked server, or null.</summary>
    public ProbeSnapshot? Observe(ObjectKey key)
    {
        lock (gate) return targets.GetValueOrDefault(key)?.Snapshot;
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
        lock (gate)
        {
            if (probe is null)
            {
                targets.Remove(key);
                ProbeMetrics.Targets.Set(targets.Count);
                return;
            }
            if (targets.TryGetValue(key, out var existing) && existing.Probe == probe && existing.Snapshot.Since == since) return;
            var target = new Target(probe, ++epochs, ProbeCounting.Fresh(since));
            targets[key] = target;
            due.Enqueue((key, target.Epoch), time.GetUtcNow());
            ProbeMetrics.Targets.Set(targets.Count);
        }
        Wake();
    }

    /// <summary>Starts the due probes and waits for the next due time or a new target, until cancelled.</summary>
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

    /// <summary>Starts every probe due now and returns them (tests await them) with the time until the next one is due.</summary>
    public (Task Started, TimeSpan? Next) StartDue(CancellationToken cancellationToken)
    {
        var started = new List<Task>();
        TimeSpan? next = null;
        lock (gate)
        {
            var now = time.GetUtcNow();
            while (due.TryPeek(out var item, out var at))
            {
                if (!targets.TryGetValue(item.Key, out var target) || target.Epoch != item.Epoch || target.InFlight)
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
                target.InFlight = true;
                started.Add(ProbeAsync(item.Key, target, cancellationToken));
            }
        }
        return (Task.WhenAll(started), next);
    }

    private async Task ProbeAsync(ObjectKey key, Target target, CancellationToken cancellationToken)
    {
        await Task.Yield();
        // The namespace's own slot first: a namespace's waiting probes queue there, not in front of other namespaces'.
        await perNamespace.RunAsync(key.Namespace, () => RunInSlotAsync(key, target, cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    private async Task RunInSlotAsync(ObjectKey key, Target target, CancellationToken cancellationToken)
    {
        try
        {
            await slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }
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
            logger.LogWarning(e, "readiness probe of {Key} failed unexpectedly", key);
            attempt = new ProbeAttempt(false, e.GetType().Name, TimeSpan.Zero);
        }
        finally
        {
            slots.Release();
        }
        ProbeMetrics.Record(target.Probe.TcpSocket is not null ? "tcpSocket" : "httpGet", attempt);

        bool changed;
        ProbeVerdict verdictBefore, verdictAfter;
        lock (gate)
        {
            target.InFlight = false;
            // A result of a target replaced or dropped meanwhile (new probe, a restart, declared Stopped) is discarded.
            if (!targets.TryGetValue(key, out var current) || current.Epoch != target.Epoch) return;
            var before = ProbeCounting.Shown(target.Snapshot, target.Probe);
            verdictBefore = target.Snapshot.Verdict;
            target.Snapshot = ProbeCounting.Apply(target.Snapshot, target.Probe, attempt.Success, attempt.Message, startedAt, attempt.Refused);
            verdictAfter = target.Snapshot.Verdict;
            changed = !Equals(before, ProbeCounting.Shown(target.Snapshot, target.Probe));
            var nextAt = startedAt + TimeSpan.FromSeconds(target.Probe.PeriodSeconds);
            var now = time.GetUtcNow();
            due.Enqueue((key, target.Epoch), nextAt > now ? nextAt : now);
        }
        Wake();
        if (changed)
        {
            if (verdictBefore != verdictAfter)
                logger.LogInformation("readiness probe of {Key} is {Verdict}: {Message}", key, verdictAfter, attempt.Message);
            else
                logger.LogDebug("readiness probe of {Key}: {Result} ({Message})", key, attempt.Success ? "success" : "failure", attempt.Message);
            servers.Enqueue(key);
        }
    }

    /// <summary>
    /// Ends the schedule's current wait. (A SemaphoreSlim here lost wake-ups: a release could be taken by a wait that
    /// had just been cancelled, and probing then stopped until something else was tracked.)
    /// </summary>
    private void Wake()
    {
        TaskCompletionSource current;
        lock (gate) current = wake;
        current.TrySetResult();
    }

    private sealed class Target(ReadinessProbeSpec probe, long epoch, ProbeSnapshot snapshot)
    {
        public ReadinessProbeSpec Probe { get; } = probe;
        public long Epoch { get; } = epoch;
        public ProbeSnapshot Snapshot { get; set; } = snapshot;
        public bool InFlight { get; set; }
    }
}
