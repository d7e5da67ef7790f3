namespace ServerPower.Operator.Runtime;

/// <summary>What the runtime reports; <see cref="PrometheusRuntimeMetrics"/> exports it, <see cref="NullRuntimeMetrics"/> drops it.</summary>
public interface IRuntimeMetrics
{
    /// <summary>Keys ready to be processed in the named queue.</summary>
    void QueueDepth(string queue, int depth);

    /// <summary>One reconcile finished; result is <c>success</c>, <c>requeue_after</c> or <c>error</c>.</summary>
    void ReconcileCompleted(string controller, string result, TimeSpan duration);

    void LeaderChanged(bool isLeader);
}

public sealed class NullRuntimeMetrics : IRuntimeMetrics
{
    public static NullRuntimeMetrics Instance { get; } = new();

    public void QueueDepth(string queue, int depth) { }

    public void ReconcileCompleted(string controller, string result, TimeSpan duration) { }

    public void LeaderChanged(bool isLeader) { }
}
