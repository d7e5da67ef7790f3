using Prometheus;

namespace ServerPower.Operator.Probing;

/// <summary>Readiness probe results by probe type and outcome, and their latency.</summary>
public static class ProbeMetrics
{
    // Stryker disable once String : a static initializer runs once per test host, before Stryker switches a mutant on; ProbeMetricsTests fails with a name or label changed (checked by hand), and the help text is read by people only
    public static readonly Counter Results = Prometheus.Metrics.CreateCounter(
        "serverpower_probe_results_total", "Readiness probe results by probe type (tcpSocket, httpGet) and outcome (success, failure, timeout).",
        "type", "outcome");

    // Stryker disable once all : a static initializer runs once per test host, before Stryker switches a mutant on; ProbeMetricsTests fails with a name or label changed (checked by hand), and the help text is read by people only
    public static readonly Histogram Latency = Prometheus.Metrics.CreateHistogram(
        "serverpower_probe_duration_seconds", "Readiness probe latency by probe type.",
        new HistogramConfiguration
        {
            LabelNames = ["type"],
            Buckets = Histogram.ExponentialBuckets(0.001, 2, 16),
        });

    // Stryker disable once String : a static initializer runs once per test host, before Stryker switches a mutant on; ProbeMetricsTests fails with a name or label changed (checked by hand), and the help text is read by people only
    public static readonly Gauge Targets = Prometheus.Metrics.CreateGauge(
        "serverpower_probe_targets", "Servers whose readiness probe is running.");

    public static void Record(string type, ProbeAttempt attempt)
    {
        Results.WithLabels(type, attempt.Success ? "success" : attempt.TimedOut ? "timeout" : "failure").Inc();
        Latency.WithLabels(type).Observe(attempt.Latency.TotalSeconds);
    }
}
