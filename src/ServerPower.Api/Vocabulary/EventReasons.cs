using ServerPower.Api.Resources;

namespace ServerPower.Api.Vocabulary;

/// <summary>
/// Every event reason the operator records that is not also a condition reason (those are in <see cref="Reasons"/>).
/// The reasons of an action or a one-shot token name the action: <c>StartAccepted</c>, <c>RestartSkipped</c>...
/// </summary>
public static class EventReasons
{
    /// <summary>The object may go: its finalizer is removed without the server being stopped (the message says why).</summary>
    public const string FinalizerReleased = "FinalizerReleased";
    /// <summary>The PowerProvider of an object being deleted is gone: the server is stopped with the credentials held for it.</summary>
    public const string ProviderGone = "ProviderGone";
    /// <summary>The last action went to another server or account: the decision starts over.</summary>
    public const string TargetChanged = "TargetChanged";
    public const string OverrideStarted = "OverrideStarted";
    public const string OverrideEnded = "OverrideEnded";
    /// <summary>A start was accepted but the server did not start within the start window: it is sent again.</summary>
    public const string StartTimedOut = "StartTimedOut";
    /// <summary>A stop was accepted but the server did not stop within the grace period: killed, or stopped again.</summary>
    public const string StopTimedOut = "StopTimedOut";
    /// <summary>After an accepted stop the server runs again: a new graceful stop, never a kill.</summary>
    public const string StopNotInEffect = "StopNotInEffect";
    /// <summary>The provider reinstalls a server as configured there; spec.rebuild does not apply.</summary>
    public const string RebuildSpecIgnored = "RebuildSpecIgnored";
    /// <summary>An auto-stopped server is woken (a wake token, a spec change, an override Running) or its auto-stop ends (the message says which).</summary>
    public const string Woken = "Woken";
    /// <summary>A wake token was recorded without effect: the server was not auto-stopped.</summary>
    public const string WakeSkipped = "WakeSkipped";
    /// <summary>An idle stop was due, but the read right before it did not see 0 players: nothing was sent.</summary>
    public const string IdleStopCancelled = "IdleStopCancelled";
    /// <summary>spec.stop.warning was sent to the server's console; the stop follows after warning.before.</summary>
    public const string StopWarningSent = "StopWarningSent";
    /// <summary>spec.stop.warning could not be sent: the provider has no console. The server is stopped at once.</summary>
    public const string StopWarningSkipped = "StopWarningSkipped";
    /// <summary>The console refused the warning or did not answer; the stop goes on at once.</summary>
    public const string StopWarningFailed = "StopWarningFailed";
    /// <summary>A PowerSchedule's desired state changed.</summary>
    public const string Transition = "Transition";

    /// <summary>The provider accepted <paramref name="action"/> (<c>StartAccepted</c>, <c>StopAccepted</c>...).</summary>
    public static string Accepted(ActionType action) => action + "Accepted";

    /// <summary>
    /// <paramref name="action"/> failed at the provider, or a one-shot token of it failed before anything was sent
    /// (<c>StartFailed</c>, <c>RebuildFailed</c>...).
    /// </summary>
    public static string Failed(ActionType action) => action + "Failed";

    /// <summary>A one-shot token was recorded without being executed (<c>RestartSkipped</c>, <c>RebuildSkipped</c>).</summary>
    public static string Skipped(ActionType action) => action + "Skipped";
}
