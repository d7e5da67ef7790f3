namespace ServerPower.Runtime;

/// <summary>
/// What the runtime reports, in controller-runtime's and client-go's terms; <see cref="PrometheusRuntimeMetrics"/>
/// exports it under their metric names, <see cref="NullRuntimeMetrics"/> drops it. A queue is named after its controller.
/// </summary>
public interface IRuntimeMetrics
{
    /// <summary>Keys ready to be processed in the named queue.</summary>
    void QueueDepth(string queue, int depth);

    /// <summary>A key was added to the queue (not counted while it is already queued).</summary>
    void QueueAdded(string queue);

    /// <summary>A key was added back with its backoff after a failed reconcile (or a conflict).</summary>
    void QueueRetried(string queue);

    /// <summary>A worker took a key that had waited this long since it was added.</summary>
    void QueueTaken(string queue, TimeSpan waited);

    /// <summary>A worker finished a key it had held this long.</summary>
    void QueueDone(string queue, TimeSpan worked);

    /// <summary>Registers how to read the queue's work in progress; read when the metrics are collected.</summary>
    void TrackInProgress(string queue, Func<QueueInProgress> read);

    /// <summary>The controller's configured number of workers (its maximum of concurrent reconciles).</summary>
    void ControllerWorkers(string controller, int workers);

    /// <summary>A reconcile began (+1) or ended (-1).</summary>
    void ActiveWorkersChanged(string controller, int delta);

    /// <summary>One reconcile finished; result is <c>success</c>, <c>requeue_after</c>, <c>conflict</c> or <c>error</c>.</summary>
    void ReconcileCompleted(string controller, string result, TimeSpan duration);

    /// <summary>This replica gained (true) or lost (false) the named Lease; also false once at start.</summary>
    void LeaderChanged(string lease, bool isLeader);
}

/// <summary>The work a queue's workers hold now: the sum of their times so far, and the longest.</summary>
public readonly record struct QueueInProgress(TimeSpan Unfinished, TimeSpan Longest);

public sealed class NullRuntimeMetrics : IRuntimeMetrics
{
    public static NullRuntimeMetrics Instance { get; } = new();

    public void QueueDepth(string queue, int depth) { }

    public void QueueAdded(string queue) { }

    public void QueueRetried(string queue) { }

    public void QueueTaken(string queue, TimeSpan waited) { }

    public void QueueDone(string queue, TimeSpan worked) { }

    public void TrackInProgress(string queue, Func<QueueInProgress> read) { }

    public void ControllerWorkers(string controller, int workers) { }

    public void ActiveWorkersChanged(string controller, int delta) { }

    public void ReconcileCompleted(string controller, string result, TimeSpan duration) { }

    public void LeaderChanged(string lease, bool isLeader) { }
}
