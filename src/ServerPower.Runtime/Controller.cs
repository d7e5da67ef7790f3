using System.IO.Hashing;
using System.Text;
using Microsoft.Extensions.Logging;

namespace ServerPower.Runtime;

/// <summary>
/// Runs workers that take keys from a <see cref="WorkQueue"/> and reconcile them (controller-runtime semantics):
/// failure or exception → rate-limited requeue; <see cref="ReconcileResult.RequeueAfter"/> → forget and add after
/// the delay; success → forget. While running, every known key is enqueued at start and then once every resync period
/// (with jitter), each at its own moment of the period (<see cref="ResyncSlices"/>), so a resync never puts every key
/// in the queue at once. Stopping drains: no new key is taken, reconciles in flight finish within a drain timeout.
/// <see cref="RunAsync"/> may be called again after it returned (leadership regained); the queue and its keys survive
/// in between.
/// </summary>
public sealed class Controller
{
    private readonly IReconciler reconciler;
    private readonly Func<IEnumerable<ObjectKey>> knownKeys;
    private readonly ControllerOptions options;
    private readonly ILogger logger;
    private readonly IRuntimeMetrics metrics;
    private readonly TimeProvider time;
    private readonly Random random;
    private int inFlight;

    public Controller(string name, WorkQueue queue, IReconciler reconciler, Func<IEnumerable<ObjectKey>> knownKeys,
        ControllerOptions? options, ILogger logger, IRuntimeMetrics? metrics = null, TimeProvider? time = null,
        Random? random = null)
    {
        Name = name;
        Queue = queue;
        this.reconciler = reconciler;
        this.knownKeys = knownKeys;
        this.options = options ?? new ControllerOptions();
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(this.options.Workers);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(this.options.ResyncPeriod, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(this.options.DrainTimeout, TimeSpan.Zero);
        this.logger = logger;
        this.metrics = metrics ?? NullRuntimeMetrics.Instance;
        this.time = time ?? TimeProvider.System;
        this.random = random ?? Random.Shared;
        this.metrics.ControllerWorkers(name, this.options.Workers);
    }

    public string Name { get; }

    public WorkQueue Queue { get; }

    /// <summary>
    /// Where the workers start: null in the product (Task.Run); in the systematic tests, their deterministic
    /// scheduler, which runs each dispatched action as one step it picks by a seed (tests/README.md, "Systematic
    /// concurrency tests over the runtime").
    /// </summary>
    internal Action<Action>? Dispatch { get; init; }

    /// <summary>Asks for a reconcile of the key (deduplicated while queued). Works whether or not workers run.</summary>
    public void Enqueue(ObjectKey key) => Queue.Add(key);

    /// <summary>Every known key, behind work already asked for (resync and start of a term are background work).</summary>
    public void EnqueueAll()
    {
        foreach (var key in knownKeys()) Queue.AddBackground(key);
    }

    /// <summary>
    /// Runs the workers and the resync timer until <paramref name="stopping"/> is cancelled. Then workers take no new
    /// key, and a reconcile in flight runs on to its end (its outcome is recorded) for up to
    /// <see cref="ControllerOptions.DrainTimeout"/>; after that its token is cancelled and its key stays queued.
    /// Returns when every worker has ended. The resync timer exists when this method returns its task.
    /// </summary>
    public async Task RunAsync(CancellationToken stopping)
    {
        EnqueueAll();
        ITimer? resync = null;
        var slice = 0;
        resync = time.CreateTimer(_ =>
        {
            EnqueueSlice(slice);
            slice = (slice + 1) % ResyncSlices;
            resync?.Change(NextResyncDelay() / ResyncSlices, Timeout.InfiniteTimeSpan);
        }, null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        resync.Change(NextResyncDelay() / ResyncSlices, Timeout.InfiniteTimeSpan);
        // Stryker disable once Boolean : ConfigureAwait(true) is equivalent: the runtime has no synchronization context
        await using (resync.ConfigureAwait(false))
        {
            using var abort = new CancellationTokenSource(Timeout.InfiniteTimeSpan, time);
            var drain = stopping.Register(() =>
            {
                // Stryker disable once Statement,String : a log line only
                logger.LogInformation("Controller {Controller} stopping: takes no new key; {InFlight} reconciles in flight "
                    + "get up to {DrainTimeout} to finish", Name, Volatile.Read(ref inFlight), options.DrainTimeout);
                abort.CancelAfter(options.DrainTimeout);
            });
            // Stryker disable once Boolean : ConfigureAwait(true) is equivalent: the runtime has no synchronization context
            await using (drain.ConfigureAwait(false))
            {
                // Stryker disable once Statement,String : a log line only
                logger.LogInformation("Controller {Controller} starting {Workers} workers", Name, options.Workers);
                var workers = Enumerable.Range(0, options.Workers)
                    .Select(_ => RuntimeTasks.Run(Dispatch, () => WorkerAsync(stopping, abort.Token)));
                // Stryker disable once Boolean : ConfigureAwait(true) is equivalent: the runtime has no synchronization context
                await Task.WhenAll(workers).ConfigureAwait(false);
                // Stryker disable once Statement,String : a log line only
                logger.LogInformation("Controller {Controller} stopped its workers", Name);
            }
        }
    }

    /// <summary>
    /// A resync period is cut into this many slices, one every period ÷ slices; each key belongs to one slice (by its
    /// hash, which .NET seeds anew in every process, so each key gets its own moment, and replicas differ) and is
    /// enqueued when its slice comes: once a period, but N ÷ slices keys at a time rather than all N. Measured at
    /// 10,000 servers and a 15 s period (tests/README.md, "Performance").
    /// </summary>
    public const int ResyncSlices = 32;

    /// <summary>The known keys of one resync slice, behind work already asked for.</summary>
    internal void EnqueueSlice(int slice)
    {
        var count = 0;
        foreach (var key in knownKeys())
        {
            if (SliceOf(key) != slice) continue;
            Queue.AddBackground(key);
            // Stryker disable once Statement,Update : the count is read by the log line below only
            count++;
        }
        // Stryker disable once Statement,String,Arithmetic : a log line only
        logger.LogDebug("Resync of {Controller}: slice {Slice} of {Slices}, {Count} keys", Name, slice + 1, ResyncSlices, count);
    }

    /// <summary>
    /// A key's resync slice, the same in every process (string hashes are randomized per process): every replica and
    /// restart resyncs a key in the same slice, and a systematic test's seed replays the same schedule in another process.
    /// </summary>
    internal static int SliceOf(ObjectKey key) =>
        (int)(XxHash32.HashToUInt32(Encoding.UTF8.GetBytes($"{key.Namespace}/{key.Name}")) % ResyncSlices);

    internal TimeSpan NextResyncDelay()
    {
        var factor = 1 + options.ResyncJitter * (2 * random.NextDouble() - 1);
        return options.ResyncPeriod * factor;
    }

    private async Task WorkerAsync(CancellationToken stopping, CancellationToken abort)
    {
        while (!stopping.IsCancellationRequested)
        {
            ObjectKey? next;
            try
            {
                // Stryker disable once Boolean : ConfigureAwait(true) is equivalent: the runtime has no synchronization context
                next = await Queue.GetAsync(stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            if (next is not { } key) return;
            try
            {
                // Stryker disable once Boolean : ConfigureAwait(true) is equivalent: the runtime has no synchronization context
                await ProcessAsync(key, stopping, abort).ConfigureAwait(false);
            }
            finally
            {
                Queue.Done(key);
            }
        }
    }

    /// <summary>Reconciles one key unless stopping; the reconcile itself is only interrupted by <paramref name="abort"/>.</summary>
    private async Task ProcessAsync(ObjectKey key, CancellationToken stopping, CancellationToken abort)
    {
        if (stopping.IsCancellationRequested)
        {
            Queue.Add(key); // stopping: keep the key for the next run
            return;
        }
        // A message-template scope: text logs show "serverpower default/web", JSON logs get key and controller fields.
        // Stryker disable once String : the log scope text only
        using var scope = logger.BeginScope("{Controller} {Key}", Name, key.ToString());
        var started = time.GetTimestamp();
        ReconcileResult result;
        // Stryker disable once Statement : inFlight is read by a log line only
        Interlocked.Increment(ref inFlight);
        metrics.ActiveWorkersChanged(Name, 1);
        try
        {
            // Stryker disable once Boolean : ConfigureAwait(true) is equivalent: the runtime has no synchronization context
            result = await reconciler.ReconcileAsync(key, abort).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (abort.IsCancellationRequested)
        {
            // Stryker disable once Statement,String : a log line only
            logger.LogWarning("Reconcile of {Key} cancelled: it outlasted the drain timeout {DrainTimeout}", key,
                options.DrainTimeout);
            Queue.Add(key);
            return;
        }
        catch (Exception e)
        {
            // Stryker disable once Statement,String : a log line only
            logger.LogError(e, "Reconcile of {Key} threw", key);
            result = ReconcileResult.Fail(e.GetType().Name);
        }
        finally
        {
            // Stryker disable once Statement : inFlight is read by a log line only
            Interlocked.Decrement(ref inFlight);
            metrics.ActiveWorkersChanged(Name, -1);
        }
        var outcome = Apply(key, result);
        metrics.ReconcileCompleted(Name, outcome, time.GetElapsedTime(started));
    }

    private string Apply(ObjectKey key, ReconcileResult result)
    {
        // Stryker disable once Statement,String,Boolean : chooses and writes a log line only
        if (result.Conflict) logger.LogDebug("Reconcile of {Key} met a conflict; retrying with backoff", key);
        // Stryker disable once Boolean,Statement,String,Arithmetic : chooses and writes a log line only (the retry number is in its text)
        else if (result.Failed)
            logger.LogWarning("Reconcile of {Key} failed ({Error}); retry {Retry} with backoff", key, result.Error,
                Queue.NumRequeues(key) + 1);
        return ResultRouting.Apply(Queue, key, result);
    }
}
