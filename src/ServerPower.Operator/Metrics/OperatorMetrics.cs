using Prometheus;

namespace ServerPower.Operator.Metrics;

/// <summary>The operator's own Prometheus metrics (the runtime adds queue and reconcile metrics).</summary>
public static class OperatorMetrics
{
    public static readonly Counter ProviderRequests = Prometheus.Metrics.CreateCounter(
        "serverpower_provider_requests_total", "Provider calls by provider type, operation and outcome.",
        "provider", "operation", "outcome");

    public static readonly Histogram ProviderLatency = Prometheus.Metrics.CreateHistogram(
        "serverpower_provider_request_duration_seconds", "Provider call latency by provider type and operation.",
        new HistogramConfiguration
        {
            LabelNames = ["provider", "operation"],
            Buckets = Histogram.ExponentialBuckets(0.005, 2, 14),
        });

    public static readonly Gauge Servers = Prometheus.Metrics.CreateGauge(
        "serverpower_servers", "ServerPowers by reported power state and readiness.", "power_state", "ready");

    public static readonly Counter ServerSeconds = Prometheus.Metrics.CreateCounter(
        "serverpower_server_seconds_total",
        "Seconds servers spent in each reported power state, by namespace and PowerProvider (hours saved: the Stopped ones).",
        "namespace", "provider", "power_state");
}
