using Prometheus;

namespace ServerPower.Operator.Runtime;

/// <summary>
/// The runtime's Prometheus metrics:
/// <list type="bullet">
/// <item><c>serverpower_workqueue_depth{queue}</c> gauge: keys ready to be processed.</item>
/// <item><c>serverpower_reconcile_total{controller,result}</c> counter: result is success, requeue_after or error.</item>
/// <item><c>serverpower_reconcile_duration_seconds{controller}</c> histogram.</item>
/// <item><c>serverpower_leader</c> gauge: 1 while this replica leads.</item>
/// </list>
/// </summary>
public sealed class PrometheusRuntimeMetrics : IRuntimeMetrics
{
    private readonly Gauge depth;
    private readonly Counter reconciles;
    private readonly Histogram duration;
    private readonly Gauge leader;

    public PrometheusRuntimeMetrics(CollectorRegistry? registry = null)
    {
        var factory = Prometheus.Metrics.WithCustomRegistry(registry ?? Prometheus.Metrics.DefaultRegistry);
        depth = factory.CreateGauge("serverpower_workqueue_depth", "Keys ready to be processed in the work queue.",
            new GaugeConfiguration { LabelNames = ["queue"] });
        reconciles = factory.CreateCounter("serverpower_reconcile_total", "Reconciles by controller and result.",
            new CounterConfiguration { LabelNames = ["controller", "result"] });
        duration = factory.CreateHistogram("serverpower_reconcile_duration_seconds", "Reconcile duration.",
            new HistogramConfiguration { LabelNames = ["controller"], Buckets = Histogram.ExponentialBuckets(0.005, 2, 14) });
        leader = factory.CreateGauge("serverpower_leader", "1 while this replica is the leader.");
    }

    public void QueueDepth(string queue, int depth) => this.depth.WithLabels(queue).Set(depth);

    public void ReconcileCompleted(string controller, string result, TimeSpan duration)
    {
        reconciles.WithLabels(controller, result).Inc();
        this.duration.WithLabels(controller).Observe(duration.TotalSeconds);
    }

    public void LeaderChanged(bool isLeader) => leader.Set(isLeader ? 1 : 0);
}
