using Prometheus;

namespace ServerPower.Operator.Metrics;

/// <summary>The operator's own Prometheus metrics (the runtime adds queue and reconcile metrics).</summary>
public static class OperatorMetrics
{
    /// <summary>HTTP requests sent to providers (a batch listing is one; a read served from it or refused unsent is none).</summary>
    public static readonly Counter ProviderRequests = Prometheus.Metrics.CreateCounter(
        "serverpower_provider_requests_total",
        "HTTP requests sent to providers by provider type, operation (read, read_all, action, destructive_action), method and status class (2xx..5xx, error).",
        "provider", "operation", "method", "status");

    public static readonly Histogram ProviderLatency = Prometheus.Metrics.CreateHistogram(
        "serverpower_provider_request_duration_seconds", "Provider HTTP request latency (to the answer's headers) by provider type and operation.",
        new HistogramConfiguration
        {
            LabelNames = ["provider", "operation"],
            Buckets = Histogram.ExponentialBuckets(0.005, 2, 14),
        });

    /// <summary>Calls of the provider interface, whether or not they sent a request, by their outcome.</summary>
    public static readonly Counter ProviderCalls = Prometheus.Metrics.CreateCounter(
        "serverpower_provider_calls_total",
        "Provider calls by provider type, operation and outcome, including those answered without a request (shared listing, rate limit, open circuit).",
        "provider", "operation", "outcome");

    public static readonly Gauge Servers = Prometheus.Metrics.CreateGauge(
        "serverpower_servers", "ServerPowers by reported power state and readiness.", "power_state", "ready");

    public static readonly Counter ServerSeconds = Prometheus.Metrics.CreateCounter(
        "serverpower_server_seconds_total",
        "Seconds servers spent in each reported power state, by namespace and PowerProvider (hours saved: the Stopped ones).",
        "namespace", "provider", "power_state");
}
