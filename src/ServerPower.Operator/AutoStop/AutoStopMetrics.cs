using Prometheus;
using ServerPower.Api.Resources;

namespace ServerPower.Operator.AutoStop;

/// <summary>Auto-stops by reason, and an estimate of the server-hours they saved (from stoppedAt until the auto-stop ended).</summary>
public static class AutoStopMetrics
{
    public static readonly Counter Stops = Prometheus.Metrics.CreateCounter(
        "serverpower_autostops_total", "Auto-stops decided (status.autoStop.stoppedAt recorded), by reason (Idle, MaxRuntime).", "reason");

    public static readonly Counter SavedHours = Prometheus.Metrics.CreateCounter(
        "serverpower_autostop_saved_hours_total",
        "An estimate of server-hours not run because of auto-stop: from each auto-stop's stoppedAt until it was woken or ended, added when it ends.");

    /// <summary>Counts what one written status changed: an auto-stop recorded, and an auto-stop that ended (its hours).</summary>
    public static void Record(AutoStopStatus? before, AutoStopStatus? after, DateTimeOffset now)
    {
        if (before?.StoppedAt is null && after is { StoppedAt: not null, Reason: { } reason }) Stops.WithLabels(reason.ToString()).Inc();
        if (before?.StoppedAt is { } stoppedAt && after?.StoppedAt is null && now > stoppedAt)
            SavedHours.Inc((now - stoppedAt).TotalHours);
    }
}
