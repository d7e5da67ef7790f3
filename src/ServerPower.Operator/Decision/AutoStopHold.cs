using ServerPower.Api.Resources;
using ServerPower.Api.Serialization;
using ServerPower.Api.Vocabulary;

namespace ServerPower.Operator.Decision;

/// <summary>
/// An auto-stopped server (status.autoStop.stoppedAt) stays stopped: its effective desired state is Stopped until it is
/// woken by a new power.serverops.io/wake token, a new metadata.generation, an override Running coming into force, or a
/// change of the effective state away from Running (a schedule's Stopped window, an override Stopped: the next Running
/// one then starts it). Waking clears stoppedAt and reason; the server is then started once, and startupGrace counts
/// from that start. Wake tokens follow the restart token rules and are recorded in status.wake.
/// </summary>
internal static class AutoStopHold
{
    /// <summary>The wake annotation's token, when it is valid and was not handled yet.</summary>
    public static string? NewToken(DecisionInput input, ServerPowerStatus? status)
    {
        if (input.Server.Metadata.Annotations?.TryGetValue(Annotations.Wake, out var token) != true) return null;
        if (OneShotTokens.Invalid(Annotations.Wake, token) is not null || token == status?.Wake?.Token) return null;
        return status?.Wake?.Handled?.Any(h => h.Token == token) == true ? null : token;
    }

    /// <summary>Why the wake annotation's value is refused; null when there is none or it is valid.</summary>
    public static string? InvalidToken(DecisionInput input) =>
        input.Server.Metadata.Annotations?.TryGetValue(Annotations.Wake, out var token) == true ? OneShotTokens.Invalid(Annotations.Wake, token) : null;

    /// <summary>Why the auto-stop recorded in <paramref name="status"/> ends now; null while it holds or there is none.</summary>
    public static string? Woken(DecisionInput input, ServerPowerStatus? status, Intent intent)
    {
        if (status?.AutoStop?.StoppedAt is not { } stoppedAt || intent is not Intent.Known known) return null;
        var since = $"auto-stopped at {KubeTimeConverter.Format(stoppedAt)}";
        if (known.State != TargetPowerState.Running) return $"{since}; the declared state is now {known.State} ({known.Source})";
        if (NewToken(input, status) is { } token) return $"{since}; woken by wake token \"{token}\"";
        if ((status.AutoStop.StoppedGeneration ?? status.ObservedGeneration) is { } seen && seen != input.Server.Metadata.Generation)
            return $"{since}; woken by a change of the spec (generation {input.Server.Metadata.Generation})";
        if (intent.Override is { Active: true, State: TargetPowerState.Running } now
            && (status.Override is not { Active: true } before || before.State != now.State || before.Until != now.Until))
            return $"{since}; woken by an override Running coming into force";
        return null;
    }

    /// <summary>Ready's message while the server stays auto-stopped (<paramref name="reason"/>, <paramref name="stoppedAt"/>): why, when, and how to wake it.</summary>
    public static string Message(ServerPowerResource server, AutoStopReason? reason, DateTimeOffset stoppedAt)
    {
        var why = reason == AutoStopReason.MaxRuntime ? "it ran for spec.autoStop.maxRuntime" : "nobody played for spec.autoStop.idleAfter";
        return $"auto-stopped at {KubeTimeConverter.Format(stoppedAt)}: {why}; it stays stopped until woken: kubectl power wake {server.Metadata.Name} "
            + $"(or a new {Annotations.Wake} annotation token), a spec change, an override Running, or the schedule's next Running window";
    }

    /// <summary>A new wake token: Done when it woke the server, Skipped when there was nothing to wake.</summary>
    public static void RecordToken(Draft d, ServerPowerStatus? stored)
    {
        if (InvalidToken(d.Input) is { } invalid)
        {
            d.Synced(false, Reasons.InvalidSpec, invalid);
            d.Event(true, Reasons.InvalidSpec, invalid);
            return;
        }
        if (NewToken(d.Input, stored) is not { } token) return;
        var woke = stored?.AutoStop?.StoppedAt is not null && d.Woken is not null;
        var message = woke ? "woke the auto-stopped server" : "the server was not auto-stopped: nothing to wake";
        d.SetWake(new OneShotStatus { Token = token, Phase = woke ? OneShotPhase.Done : OneShotPhase.Skipped, Message = message });
        if (!woke) d.Event(false, EventReasons.WakeSkipped, $"wake token \"{token}\": {message}");
    }
}
