using System.Collections.Concurrent;
using Prometheus;

namespace ServerPower.Runtime;

/// <summary>
/// The runtime's Prometheus metrics, under controller-runtime's names and labels so that boards and alerts written for
/// controller-runtime operators work unchanged (a queue's <c>name</c> and <c>controller</c> are both the controller's name):
/// <list type="bullet">
/// <item><c>controller_runtime_reconcile_total{controller,result}</c>: result success, requeue_after, conflict or error.</item>
/// <item><c>controller_runtime_reconcile_errors_total{controller}</c>: reconciles with result error.</item>
/// <item><c>controller_runtime_reconcile_time_seconds{controller}</c> histogram.</item>
/// <item><c>controller_runtime_max_concurrent_reconciles{controller}</c>, <c>controller_runtime_active_workers{controller}</c>.</item>
/// <item><c>workqueue_depth</c>, <c>workqueue_adds_total</c>, <c>workqueue_retries_total</c>,
/// <c>workqueue_queue_duration_seconds</c>, <c>workqueue_work_duration_seconds</c>, <c>workqueue_unfinished_work_seconds</c>,
/// <c>workqueue_longest_running_processor_seconds</c>, each <c>{controller,name}</c>.</item>
/// <item><c>leader_election_master_status{name}</c>: 1 while this replica holds the Lease.</item>
/// </list>
/// </summary>
public sealed class PrometheusRuntimeMetrics : IRuntimeMetrics
{
    /// <summary>The results a reconcile can have; each is exported (at 0) from the controller's start.</summary>
    public static readonly IReadOnlyList<string> Results = ["success", "requeue_after", "conflict", "error"];

    private static readonly string[] QueueLabels = ["controller", "name"];

    private readonly Counter reconciles;
    private readonly Counter errors;
    private readonly Histogram reconcileTime;
    private readonly Gauge maxConcurrent;
    private readonly Gauge activeWorkers;
    private readonly Gauge depth;
    private readonly Counter adds;
    private readonly Counter retries;
    private readonly Histogram queueDuration;
    private readonly Histogram workDuration;
    private readonly Gauge unfinished;
    private readonly Gauge longest;
    private readonly Gauge leader;
    private readonly ConcurrentDictionary<string, Func<QueueInProgress>> inProgress = new(StringComparer.Ordinal);

    public PrometheusRuntimeMetrics(CollectorRegistry? registry = null)
    {
        registry ??= Prometheus.Metrics.DefaultRegistry;
        var factory = Prometheus.Metrics.WithCustomRegistry(registry);
        reconciles = factory.CreateCounter("controller_runtime_reconcile_total", "Total number of reconciliations per controller.",
            "controller", "result");
        errors = factory.CreateCounter("controller_runtime_reconcile_errors_total", "Total number of reconciliation errors per controller.",
            "controller");
        reconcileTime = factory.CreateHistogram("controller_runtime_reconcile_time_seconds", "Length of time per reconciliation per controller.",
            new HistogramConfiguration { LabelNames = ["controller"], Buckets = Histogram.ExponentialBuckets(0.005, 2, 14) });
        maxConcurrent = factory.CreateGauge("controller_runtime_max_concurrent_reconciles", "Maximum number of concurrent reconciles per controller.",
            "controller");
        activeWorkers = factory.CreateGauge("controller_runtime_active_workers", "Number of currently used workers per controller.",
            "controller");
        depth = factory.CreateGauge("workqueue_depth", "Current depth of workqueue.", QueueLabels);
        adds = factory.CreateCounter("workqueue_adds_total", "Total number of adds handled by workqueue.", QueueLabels);
        retries = factory.CreateCounter("workqueue_retries_total", "Total number of retries handled by workqueue.", QueueLabels);
        // client-go's buckets: 10 ns to 1,000 s.
        var seconds = Histogram.ExponentialBuckets(10e-9, 10, 12);
        queueDuration = factory.CreateHistogram("workqueue_queue_duration_seconds",
            "How long in seconds an item stays in workqueue before being requested.",
            new HistogramConfiguration { LabelNames = QueueLabels, Buckets = seconds });
        workDuration = factory.CreateHistogram("workqueue_work_duration_seconds", "How long in seconds processing an item from workqueue takes.",
            new HistogramConfiguration { LabelNames = QueueLabels, Buckets = seconds });
        unfinished = factory.CreateGauge("workqueue_unfinished_work_seconds",
            "How many seconds of work has been done that is in progress and hasn't been observed by work_duration. "
            + "Large values indicate stuck threads.", QueueLabels);
        longest = factory.CreateGauge("workqueue_longest_running_processor_seconds",
            "How many seconds has the longest running processor for workqueue been running.", QueueLabels);
        leader = factory.CreateGauge("leader_election_master_status",
            "Gauge of if the reporting system is master of the relevant lease, 0 indicates backup, 1 indicates master.", "name");
        registry.AddBeforeCollectCallback(CollectInProgress);
    }

    public void QueueDepth(string queue, int depth) => this.depth.WithLabels(queue, queue).Set(depth);

    public void QueueAdded(string queue) => adds.WithLabels(queue, queue).Inc();

    public void QueueRetried(string queue) => retries.WithLabels(queue, queue).Inc();

    public void QueueTaken(string queue, TimeSpan waited) => queueDuration.WithLabels(queue, queue).Observe(waited.TotalSeconds);

    public void QueueDone(string queue, TimeSpan worked) => workDuration.WithLabels(queue, queue).Observe(worked.TotalSeconds);

    public void TrackInProgress(string queue, Func<QueueInProgress> read)
    {
        inProgress[queue] = read;
        // Every queue's series exist from its creation, at zero.
        adds.WithLabels(queue, queue);
        retries.WithLabels(queue, queue);
        depth.WithLabels(queue, queue);
        unfinished.WithLabels(queue, queue);
        longest.WithLabels(queue, queue);
    }

    public void ControllerWorkers(string controller, int workers)
    {
        maxConcurrent.WithLabels(controller).Set(workers);
        activeWorkers.WithLabels(controller);
        errors.WithLabels(controller);
        foreach (var result in Results) reconciles.WithLabels(controller, result);
    }

    public void ActiveWorkersChanged(string controller, int delta) => activeWorkers.WithLabels(controller).Inc(delta);

    public void ReconcileCompleted(string controller, string result, TimeSpan duration)
    {
        reconciles.WithLabels(controller, result).Inc();
        if (result == "error") errors.WithLabels(controller).Inc();
        reconcileTime.WithLabels(controller).Observe(duration.TotalSeconds);
    }

    public void LeaderChanged(string lease, bool isLeader) => leader.WithLabels(lease).Set(isLeader ? 1 : 0);

    private void CollectInProgress()
    {
        foreach (var (queue, read) in inProgress)
        {
            var now = read();
            unfinished.WithLabels(queue, queue).Set(now.Unfinished.TotalSeconds);
            longest.WithLabels(queue, queue).Set(now.Longest.TotalSeconds);
        }
    }
}
