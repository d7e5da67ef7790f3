using k8s;
using k8s.LeaderElection;
using k8s.LeaderElection.ResourceLock;
using Microsoft.Extensions.Logging;

namespace ServerPower.Runtime;

/// <summary>
/// Runs work only while this replica holds the Lease, over KubernetesClient's <see cref="LeaderElector"/>.
/// Each term's work gets a token that says "stop taking new work"; it is cancelled when leadership is lost or at
/// shutdown, and the work is awaited to its end (the controllers drain reconciles in flight within their drain
/// timeout) before the next attempt, so two terms' workers never overlap. Lease calls go through
/// <see cref="TolerantLock"/>, so a transport error is a failed attempt, retried until the renew deadline, not a
/// loss. At shutdown the lease is kept renewed while the work drains, then released (holder emptied, duration 1 s,
/// as client-go's ReleaseOnCancel does) so another replica takes over at once. After a loss (or an elector error)
/// it keeps trying to regain leadership until shutdown. The elector's callbacks are synchronous, so they only flip
/// state, start a task and request cancellation. Disabled: always leader.
/// </summary>
public sealed class LeaderElection
{
    private readonly LeaderElectionOptions options;
    private readonly ILock? leaseLock;
    private readonly ILogger logger;
    private readonly IRuntimeMetrics metrics;
    private readonly TimeProvider time;
    private readonly Lock gate = new();
    private volatile bool isLeader;

    public LeaderElection(LeaderElectionOptions options, ILock? leaseLock, ILogger logger, IRuntimeMetrics? metrics = null,
        TimeProvider? time = null)
    {
        if (options.Enabled && leaseLock is null) throw new ArgumentException("leader election needs a lock", nameof(leaseLock));
        this.options = options;
        this.leaseLock = leaseLock;
        this.logger = logger;
        this.metrics = metrics ?? NullRuntimeMetrics.Instance;
        this.time = time ?? TimeProvider.System;
        Identity = leaseLock?.Identity ?? options.ResolveIdentity();
        this.metrics.LeaderChanged(options.LeaseName, false);
    }

    /// <summary>Election through a coordination.k8s.io Lease named by the options.</summary>
    public static LeaderElection ForLease(IKubernetes client, LeaderElectionOptions options, ILogger logger,
        IRuntimeMetrics? metrics = null)
    {
        if (!options.Enabled) return new LeaderElection(options, null, logger, metrics);
        var leaseLock = new LeaseLock(client, options.ResolveNamespace(), options.LeaseName, options.ResolveIdentity());
        return new LeaderElection(options, leaseLock, logger, metrics);
    }

    public string Identity { get; }

    public bool IsLeader => isLeader;

    /// <summary>Null in the product (KubernetesClient's elector); the systematic tests' scripted elector.</summary>
    internal Func<ILeaderElector>? Elector { get; init; }

    /// <summary>
    /// Null in the product (Task.Run, CancelAsync, asynchronous continuations). The systematic tests' deterministic
    /// scheduler (tests/README.md, "Systematic concurrency tests over the runtime"): a term's work starts, and the
    /// shutdown signal resumes, as its steps; cancellations are at once (their callbacks, the scheduler's, queue steps).
    /// </summary>
    internal Action<Action>? Dispatch { get; init; }

    /// <summary>Null in the product (Task.Delay on the TimeProvider); the scheduler's delay, resumed as a step when cancelled.</summary>
    internal Func<TimeSpan, CancellationToken, Task>? Delay { get; init; }

    /// <summary>Raised with true on gaining and false on losing leadership; handlers must not block.</summary>
    public event Action<bool>? LeadershipChanged;

    /// <summary>
    /// Runs <paramref name="whileLeading"/> each time leadership is gained, until the token is cancelled. Its token
    /// asks it to stop taking new work; it should return once the work in flight has ended.
    /// </summary>
    public async Task RunAsync(Func<CancellationToken, Task> whileLeading, CancellationToken cancellationToken)
    {
        if (!options.Enabled)
        {
            SetLeader(true);
            try
            {
                // Stryker disable once Boolean : ConfigureAwait(true) is equivalent: the runtime has no synchronization context
                await whileLeading(cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                SetLeader(false);
            }
            return;
        }
        while (!cancellationToken.IsCancellationRequested)
        {
            // Stryker disable once Boolean : ConfigureAwait(true) is equivalent: the runtime has no synchronization context
            await RunOnceAsync(whileLeading, cancellationToken).ConfigureAwait(false);
            try
            {
                // Stryker disable once Boolean : ConfigureAwait(true) is equivalent: the runtime has no synchronization context
                await (Delay is null ? Task.Delay(options.RetryPeriod, time, cancellationToken) : Delay(options.RetryPeriod, cancellationToken))
                    .ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Cancelled only by the shutdown token: the loop's condition ends the run.
            }
        }
    }

    /// <summary>One elector: acquire, lead until the loss or shutdown, drain the work, release at shutdown.</summary>
    private async Task RunOnceAsync(Func<CancellationToken, Task> whileLeading, CancellationToken cancellationToken)
    {
        var tolerantLock = new TolerantLock(leaseLock!, logger);
        var config = new LeaderElectionConfig(tolerantLock)
        {
            LeaseDuration = options.LeaseDuration,
            RenewDeadline = options.RenewDeadline,
            RetryPeriod = options.RetryPeriod,
        };
        using var elector = Elector?.Invoke() ?? new KubernetesLeaderElector(config);
        // Ends the elector, and the renew loop it leaves running when a renew deadline passes.
        using var electorStop = new CancellationTokenSource();
        using var workStop = new CancellationTokenSource();
        var term = new Term();
        elector.OnStartedLeading += () =>
        {
            lock (term.Gate)
            {
                term.Acquired = true;
                if (term.ShuttingDown) return; // acquired as shutdown began: start nothing, release below
                // Stryker disable once Statement,String : a log line only
                logger.LogInformation("{Identity} became the leader", Identity);
                SetLeader(true);
                term.Work = RuntimeTasks.Run(Dispatch, () => whileLeading(workStop.Token));
            }
        };
        elector.OnStoppedLeading += () =>
        {
            if (electorStop.IsCancellationRequested) return; // our own stop at shutdown, not a loss
            lock (term.Gate) term.Lost = true;
            // Stryker disable once Statement,String : a log line only
            logger.LogWarning("{Identity} lost leadership; workers take no new key and finish what is in flight", Identity);
            SetLeader(false);
            _ = CancelAsync(workStop);
        };
        elector.OnNewLeader += leader => logger.LogInformation("Leader is now {Leader}", leader);
        elector.OnError += e => logger.LogDebug(e, "Leader election attempt failed");

        var electing = elector.RunUntilLeadershipLostAsync(electorStop.Token);
        var shutdown = new TaskCompletionSource(Dispatch is null ? TaskCreationOptions.RunContinuationsAsynchronously : TaskCreationOptions.None);
        // Stryker disable once Boolean : ConfigureAwait(true) is equivalent (both awaits): the runtime has no synchronization context
        await using (cancellationToken.Register(() => Resume(() => shutdown.TrySetResult())).ConfigureAwait(false))
        {
            await Task.WhenAny(electing, shutdown.Task).ConfigureAwait(false);
        }
        bool shuttingDown;
        Task? work;
        lock (term.Gate)
        {
            shuttingDown = term.ShuttingDown = cancellationToken.IsCancellationRequested;
            work = term.Work;
        }
        // Stryker disable once Boolean : ConfigureAwait(true) is equivalent: the runtime has no synchronization context
        await CancelAsync(workStop).ConfigureAwait(false);
        // After a loss, stop the elector now; at shutdown, keep renewing the lease while the work drains.
        if (!shuttingDown)
        {
            // Stryker disable once Boolean : ConfigureAwait(true) is equivalent: the runtime has no synchronization context
            await CancelAsync(electorStop).ConfigureAwait(false);
        }
        if (work is not null)
        {
            // Stryker disable once Boolean : ConfigureAwait(true) is equivalent: the runtime has no synchronization context
            await AwaitQuietly(work).ConfigureAwait(false);
        }
        // Stryker disable once Boolean : ConfigureAwait(true) is equivalent: the runtime has no synchronization context
        await CancelAsync(electorStop).ConfigureAwait(false);
        // Stryker disable once Boolean : ConfigureAwait(true) is equivalent: the runtime has no synchronization context
        await AwaitElector(electing, electorStop.Token).ConfigureAwait(false);
        bool release;
        lock (term.Gate) release = shuttingDown && term.Acquired && !term.Lost;
        if (release)
        {
            // Stryker disable once Boolean : ConfigureAwait(true) is equivalent: the runtime has no synchronization context
            await ReleaseAsync(tolerantLock).ConfigureAwait(false);
        }
        SetLeader(false);
    }

    /// <summary>CancelAsync in the product; under the scheduler, Cancel (CancelAsync runs the callbacks on the thread pool).</summary>
    private Task CancelAsync(CancellationTokenSource source)
    {
        if (Dispatch is null) return source.CancelAsync();
        source.Cancel();
        return Task.CompletedTask;
    }

    private void Resume(Action action)
    {
        if (Dispatch is null) action();
        else Dispatch(action);
    }

    private async Task AwaitElector(Task electing, CancellationToken stopped)
    {
        try
        {
            // Stryker disable once Boolean : ConfigureAwait(true) is equivalent: the runtime has no synchronization context
            await electing.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stopped.IsCancellationRequested)
        {
        }
        catch (Exception e)
        // Stryker disable once Block : the catch only logs
        {
            // Stryker disable once Statement,String : a log line only
            logger.LogWarning("Leader election failed ({Error}); retrying", e.Message);
            // Stryker disable once Statement,String : a log line only
            logger.LogDebug(e, "Leader election failed");
        }
    }

    /// <summary>
    /// Gives the lease up as client-go's ReleaseOnCancel does: holder emptied (not null, which KubernetesClient's
    /// elector would take for a missing lease and try to create), duration 1 s, times now, transitions kept.
    /// Only if this replica still holds it; the update carries the resourceVersion just read.
    /// </summary>
    private async Task ReleaseAsync(ILock tolerantLock)
    {
        using var timeout = new CancellationTokenSource(options.ReleaseTimeout, time);
        try
        {
            // Stryker disable once Boolean : ConfigureAwait(true) is equivalent: the runtime has no synchronization context
            var current = await tolerantLock.GetAsync(timeout.Token).ConfigureAwait(false);
            if (current?.HolderIdentity != Identity)
            {
                // Stryker disable once Statement,String : a log line only
                logger.LogInformation("Lease held by {Holder}, not {Identity}: nothing to release", current?.HolderIdentity, Identity);
                return;
            }
            var now = time.GetUtcNow().UtcDateTime;
            var released = new LeaderElectionRecord
            {
                HolderIdentity = string.Empty,
                LeaseDurationSeconds = 1,
                AcquireTime = now,
                RenewTime = now,
                LeaderTransitions = current.LeaderTransitions,
            };
            // Stryker disable once Boolean,Statement,String : the update's answer only chooses the log line (the lease is
            // released or expires either way); ConfigureAwait(true) is equivalent: the runtime has no synchronization context
            if (await tolerantLock.UpdateAsync(released, timeout.Token).ConfigureAwait(false))
                logger.LogInformation("{Identity} released the lease", Identity);
            else
                logger.LogWarning("{Identity} could not release the lease; another replica takes over when it expires", Identity);
        }
        catch (Exception e)
        // Stryker disable once Block : the catch only logs
        {
            // Stryker disable once Statement,String : a log line only
            logger.LogWarning("{Identity} could not release the lease ({Error}); another replica takes over when it expires", Identity, e.Message);
            // Stryker disable once Statement,String : a log line only
            logger.LogDebug(e, "Releasing the lease failed");
        }
    }

    private async Task AwaitQuietly(Task work)
    {
        try
        {
            // Stryker disable once Boolean : ConfigureAwait(true) is equivalent: the runtime has no synchronization context
            await work.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception e)
        // Stryker disable once Block : the catch only logs
        {
            // Stryker disable once Statement,String : a log line only
            logger.LogError(e, "Work run while leading failed");
        }
    }

    private void SetLeader(bool value)
    {
        lock (gate)
        {
            if (isLeader == value) return;
            isLeader = value;
        }
        metrics.LeaderChanged(options.LeaseName, value);
        try
        {
            LeadershipChanged?.Invoke(value);
        }
        catch (Exception e)
        // Stryker disable once Block : the catch only logs
        {
            // Stryker disable once Statement,String : a log line only
            logger.LogError(e, "A leadership handler threw");
        }
    }

    /// <summary>State of one elector's run, shared by its synchronous callbacks and <see cref="RunOnceAsync"/>.</summary>
    private sealed class Term
    {
        public readonly Lock Gate = new();
        public Task? Work;
        public bool Acquired;
        public bool Lost;
        public bool ShuttingDown;
    }
}
