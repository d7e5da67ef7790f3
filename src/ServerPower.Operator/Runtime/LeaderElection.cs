using k8s;
using k8s.LeaderElection;
using k8s.LeaderElection.ResourceLock;
using Microsoft.Extensions.Logging;

namespace ServerPower.Operator.Runtime;

/// <summary>
/// Runs work only while this replica holds the Lease, over KubernetesClient's <see cref="LeaderElector"/>.
/// On leadership the work starts with a token that is cancelled when leadership is lost; the work is awaited to
/// the end before the next attempt, so two sets of workers never overlap. After a loss (or an elector error) it keeps
/// trying to regain leadership until shutdown. The elector's callbacks are synchronous, so they only flip state,
/// start a task and request cancellation. Disabled: always leader.
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

    /// <summary>Raised with true on gaining and false on losing leadership; handlers must not block.</summary>
    public event Action<bool>? LeadershipChanged;

    /// <summary>Runs <paramref name="whileLeading"/> each time leadership is gained, until the token is cancelled.</summary>
    public async Task RunAsync(Func<CancellationToken, Task> whileLeading, CancellationToken cancellationToken)
    {
        if (!options.Enabled)
        {
            SetLeader(true);
            try
            {
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
            await RunOnceAsync(whileLeading, cancellationToken).ConfigureAwait(false);
            try
            {
                await Task.Delay(options.RetryPeriod, time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task RunOnceAsync(Func<CancellationToken, Task> whileLeading, CancellationToken cancellationToken)
    {
        var config = new LeaderElectionConfig(leaseLock!)
        {
            LeaseDuration = options.LeaseDuration,
            RenewDeadline = options.RenewDeadline,
            RetryPeriod = options.RetryPeriod,
        };
        using var elector = new LeaderElector(config);
        using var leading = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Task? work = null;
        elector.OnStartedLeading += () =>
        {
            logger.LogInformation("{Identity} became the leader", Identity);
            SetLeader(true);
            work = Task.Run(() => whileLeading(leading.Token), CancellationToken.None);
        };
        elector.OnStoppedLeading += () =>
        {
            if (!isLeader) return;
            logger.LogWarning("{Identity} lost leadership; stopping workers", Identity);
            SetLeader(false);
            _ = leading.CancelAsync();
        };
        elector.OnNewLeader += leader => logger.LogInformation("Leader is now {Leader}", leader);
        elector.OnError += e => logger.LogDebug(e, "Leader election attempt failed");
        try
        {
            await elector.RunUntilLeadershipLostAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Leader election failed; retrying");
        }
        finally
        {
            SetLeader(false);
            await leading.CancelAsync().ConfigureAwait(false);
            if (work is not null) await AwaitQuietly(work).ConfigureAwait(false);
        }
    }

    private async Task AwaitQuietly(Task work)
    {
        try
        {
            await work.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception e)
        {
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
        metrics.LeaderChanged(value);
        try
        {
            LeadershipChanged?.Invoke(value);
        }
        catch (Exception e)
        {
            logger.LogError(e, "A leadership handler threw");
        }
    }
}
