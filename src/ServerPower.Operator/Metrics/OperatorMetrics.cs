using Prometheus;

namespace ServerPower.Operator.Metrics;

/// <summary>
/// The operator's own Prometheus metrics (the runtime adds controller-runtime's). <c>account</c> is a PowerProvider's
/// "namespace/name"; no label names a server, so the series grow with accounts and namespaces, not with servers.
/// </summary>
public static class OperatorMetrics
{
    /// <summary>HTTP requests sent to providers (a batch listing is one; a read served from it or refused unsent is none).</summary>
    public static readonly Counter ProviderRequests = Prometheus.Metrics.CreateCounter(
        "serverpower_provider_requests_total",
        "HTTP requests sent to providers by account, provider type, operation (read, read_all, action, destructive_action), "
        + "method and status (2xx, 3xx, 4xx but 429, 429, 5xx, error).",
        "account", "provider", "operation", "method", "status");

    public static readonly Histogram ProviderLatency = Prometheus.Metrics.CreateHistogram(
        "serverpower_provider_request_duration_seconds",
        "Provider HTTP request latency (to the answer's headers) by account, provider type and operation.",
        new HistogramConfiguration
        {
            LabelNames = ["account", "provider", "operation"],
            Buckets = Histogram.ExponentialBuckets(0.005, 2, 14),
        });

    /// <summary>Calls of the provider interface, whether or not they sent a request, by their outcome.</summary>
    public static readonly Counter ProviderCalls = Prometheus.Metrics.CreateCounter(
        "serverpower_provider_calls_total",
        "Provider calls by account, provider type, operation (read, read_all, probe, start, stop, restart, kill, rebuild) "
        + "and outcome, including those answered without a request (shared listing, rate limit, open circuit).",
        "account", "provider", "operation", "outcome");

    public static readonly Gauge CircuitOpen = Prometheus.Metrics.CreateGauge(
        "serverpower_provider_circuit_open",
        "1 while the account's circuit breaker is open or half-open (calls answered Unavailable without a request), else 0.",
        "account");

    public static readonly Gauge Servers = Prometheus.Metrics.CreateGauge(
        "serverpower_servers", "ServerPowers by reported power state and readiness.", "power_state", "ready");

    public static readonly Gauge NotInDesiredState = Prometheus.Metrics.CreateGauge(
        "serverpower_servers_not_in_desired_state",
        "ServerPowers whose Ready condition is not True, by namespace and Ready's reason.",
        "namespace", "reason");

    public static readonly Gauge NotInDesiredStateSeconds = Prometheus.Metrics.CreateGauge(
        "serverpower_servers_not_in_desired_state_max_seconds",
        "Of the ServerPowers not in their desired state, by namespace and Ready's reason: the most seconds since one of "
        + "them last was (Ready's lastTransitionTime).",
        "namespace", "reason");

    public static readonly Gauge OneShots = Prometheus.Metrics.CreateGauge(
        "serverpower_one_shots",
        "ServerPowers by namespace, one-shot (restart, rebuild) and the phase of its last token (Sending, Done, Failed, Uncertain, Skipped).",
        "namespace", "action", "phase");

    public static readonly Counter ServerSeconds = Prometheus.Metrics.CreateCounter(
        "serverpower_server_seconds_total",
        "Seconds servers spent in each reported power state, by namespace and PowerProvider (hours saved: the Stopped ones).",
        "namespace", "provider", "power_state");
}
