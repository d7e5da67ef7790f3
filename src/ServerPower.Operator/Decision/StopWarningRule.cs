using ServerPower.Api.Resources;
using ServerPower.Api.Serialization;
using ServerPower.Api.Vocabulary;
using ServerPower.Providers.Contract;

namespace ServerPower.Operator.Decision;

/// <summary>
/// spec.stop.warning before a stop the operator decides (a declared change, a schedule or override ending, maxRuntime):
/// with a console, the command is sent (recorded first in status.stopWarning), the stop waits warning.before, then goes
/// on. Without a console: an event that the warning was skipped, and the stop at once. A failed warning: an event, and
/// the stop at once. Never before an idle stop (nobody is there) or a stop for deletion (it is not delayed).
/// </summary>
internal static class StopWarningRule
{
    /// <summary>The warning to send or the wait after it; null when the stop goes on now.</summary>
    public static Decision? Before(Draft d, ProviderView.Resolved provider)
    {
        if (d.Deleting || d.AutoStopped?.Reason == AutoStopReason.Idle) return null;
        var (warning, invalid) = StopWarningRules.Read(d.Input.Server.Spec);
        if (invalid is not null)
        {
            d.Synced(false, Reasons.InvalidSpec, $"{invalid}; the server is stopped without a warning");
            d.Event(true, Reasons.InvalidSpec, invalid);
            return null;
        }
        if (warning is null) return null;
        if (!provider.Capabilities.HasConsole)
        {
            d.Event(false, EventReasons.StopWarningSkipped, $"{provider.Type} has no console: spec.stop.warning is skipped and the server is stopped at once");
            return null;
        }
        var now = d.Input.Now;
        // A warning belongs to this stop unless an action came after it; one recorded in the same second as the last action
        // came after that action (a stop follows its own warning by a whole second at least).
        var sent = d.Status.StopWarning is { } w && (d.Status.LastAction is not { } last || last.RequestTime <= w.SentAt) ? w : null;
        if (sent is null)
        {
            var at = KubeTimeConverter.Truncate(now);
            d.Status = d.Status with { StopWarning = new StopWarningStatus { SentAt = at, Message = "sending" } };
            d.Event(false, EventReasons.StopWarningSent, $"warning the server's users: the stop follows in {GoDuration.Format(warning.Before)}");
            d.Ready(false, Reasons.ActionPending, $"stop warning sent at {KubeTimeConverter.Format(at)}; stopping at {KubeTimeConverter.Format(StopAt(at, warning.Before))}");
            return d.Warn(warning.Command, warning.Before);
        }
        if (sent.Failed == true) return null;
        var stopAt = StopAt(sent.SentAt, warning.Before);
        if (stopAt <= now) return null;
        d.Ready(false, Reasons.ActionPending, $"stop warning sent at {KubeTimeConverter.Format(sent.SentAt)}; stopping at {KubeTimeConverter.Format(stopAt)}");
        // Max rather than a comparison, whose < and <= would give the same wait when equal.
        return d.Wait(new[] { stopAt - now, d.Input.Settings.MinPoll }.Max());
    }

    /// <summary>
    /// The whole of <paramref name="before"/> after the warning: sentAt is a whole second (the warning went out during
    /// it, after it was recorded), so the wait counts from that second's end, as a stop's grace period does.
    /// </summary>
    private static DateTimeOffset StopAt(DateTimeOffset sentAt, TimeSpan before) => sentAt + KubeTimeConverter.Precision + before;
}
