using Prometheus;
using ServerPower.Providers.Activity;

namespace ServerPower.Operator.AutoStop;

/// <summary>Auto-stop activity reads by kind and outcome, and the servers whose activity is being read.</summary>
public static class ActivityMetrics
{
    public static readonly Counter Reads = Prometheus.Metrics.CreateCounter(
        "serverpower_activity_reads_total",
        "Auto-stop activity reads by kind (minecraft, a2s, httpGet) and outcome (success, failed, timeout, refused, unreadable, too_large).",
        "kind", "outcome");

    public static readonly Gauge Targets = Prometheus.Metrics.CreateGauge(
        "serverpower_activity_targets", "Servers whose activity is being read for auto-stop.");

    public static void Record(ActivityTarget target, ActivityRead read) => Reads.WithLabels(target.KindLabel, read.OutcomeLabel).Inc();
}
