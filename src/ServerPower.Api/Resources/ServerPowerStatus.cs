using System.Text.Json.Serialization;
using ServerPower.Api.Serialization;

namespace ServerPower.Api.Resources;

public sealed record ServerPowerStatus
{
    [JsonPropertyName("observedGeneration")] public long? ObservedGeneration { get; init; }
    [JsonPropertyName("desiredState")] public TargetPowerState? DesiredState { get; init; }
    [JsonPropertyName("powerState")] public PowerState? PowerState { get; init; }
    [JsonPropertyName("providerState")] public string? ProviderState { get; init; }
    [JsonPropertyName("lastAction")] public LastAction? LastAction { get; init; }
    [JsonPropertyName("restart")] public OneShotStatus? Restart { get; init; }
    [JsonPropertyName("rebuild")] public OneShotStatus? Rebuild { get; init; }
    /// <summary>The last power.serverops.io/wake token and what became of it (the one-shot rules of restart).</summary>
    [JsonPropertyName("wake")] public OneShotStatus? Wake { get; init; }
    [JsonPropertyName("override")] public OverrideStatus? Override { get; init; }
    [JsonPropertyName("conditions")] public IReadOnlyList<Condition>? Conditions { get; init; }
    /// <summary>With managementPolicy Observe: what Manage would do now, and why.</summary>
    [JsonPropertyName("plannedAction")] public PlannedActionStatus? PlannedAction { get; init; }
    /// <summary>The last actions sent (at most <see cref="HistoryEntry.MaxEntries"/>), newest first.</summary>
    [JsonPropertyName("history")] public IReadOnlyList<HistoryEntry>? History { get; init; }
    /// <summary>The readiness probe's last result; absent without a probe or while the server is declared Stopped.</summary>
    [JsonPropertyName("probe")] public ProbeStatus? Probe { get; init; }
    /// <summary>
    /// When this server's stop began to wait for servers that list it in spec.startAfter and were still declared
    /// Running (the stop-order window runs from here); absent when no stop waits for them.
    /// </summary>
    [JsonPropertyName("stopHeldSince"), JsonConverter(typeof(KubeTimeConverter))]
    public DateTimeOffset? StopHeldSince { get; init; }
    /// <summary>Auto-stop's activity reads and its last stop; absent without spec.autoStop.</summary>
    [JsonPropertyName("autoStop")] public AutoStopStatus? AutoStop { get; init; }
    /// <summary>The last stop warning sent (spec.stop.warning); absent while none applies.</summary>
    [JsonPropertyName("stopWarning")] public StopWarningStatus? StopWarning { get; init; }
}

/// <summary>What managementPolicy Manage would do now: <c>None</c> or the action, and why.</summary>
public sealed record PlannedActionStatus
{
    public const string None = "None";

    [JsonPropertyName("action")] public string Action { get; init; } = None;
    [JsonPropertyName("reason")] public string? Reason { get; init; }
}

/// <summary>One action in <c>status.history</c>: what was sent, for which token, when, and what became of it.</summary>
public sealed record HistoryEntry
{
    public const int MaxEntries = 10;

    [JsonPropertyName("type")] public ActionType Type { get; init; }
    [JsonPropertyName("token")] public string? Token { get; init; }
    [JsonPropertyName("requestTime"), JsonConverter(typeof(KubeTimeConverter))]
    public DateTimeOffset RequestTime { get; init; }
    [JsonPropertyName("result")] public ActionResult Result { get; init; }
    [JsonPropertyName("message")] public string? Message { get; init; }
}

/// <summary>The last action sent to the provider.</summary>
public sealed record LastAction
{
    [JsonPropertyName("type")] public ActionType Type { get; init; }
    /// <summary>The one-shot token that asked for it, if any.</summary>
    [JsonPropertyName("token")] public string? Token { get; init; }
    [JsonPropertyName("requestTime"), JsonConverter(typeof(KubeTimeConverter))]
    public DateTimeOffset RequestTime { get; init; }
    [JsonPropertyName("result")] public ActionResult Result { get; init; }
    [JsonPropertyName("message")] public string? Message { get; init; }
    /// <summary>
    /// The first time after this action that the provider reported the declared state. From then on a difference is
    /// drift and is acted on at once; before it, the action's effect is still awaited.
    /// </summary>
    [JsonPropertyName("settledTime"), JsonConverter(typeof(KubeTimeConverter))]
    public DateTimeOffset? SettledTime { get; init; }
    /// <summary>
    /// Where it was sent (PowerProvider, type, endpoint, server id). The record belongs to that server only; absent in
    /// records written before it existed, which count as the current server's.
    /// </summary>
    [JsonPropertyName("target")] public string? Target { get; init; }
}

/// <summary>The last one-shot token seen and what became of it.</summary>
public sealed record OneShotStatus
{
    [JsonPropertyName("token")] public string Token { get; init; } = "";
    [JsonPropertyName("phase")] public OneShotPhase Phase { get; init; }
    [JsonPropertyName("message")] public string? Message { get; init; }
    /// <summary>The tokens of this annotation handled so far (at most <see cref="HandledToken.MaxEntries"/>), newest first.</summary>
    [JsonPropertyName("handled")] public IReadOnlyList<HandledToken>? Handled { get; init; }

    /// <summary>Record equality compares the handled list by content, as the API server would store it.</summary>
    public bool Equals(OneShotStatus? other) =>
        other is not null && Token == other.Token && Phase == other.Phase && Message == other.Message
        && (Handled ?? []).SequenceEqual(other.Handled ?? []);

    public override int GetHashCode() => HashCode.Combine(Token, Phase, Message, Handled?.Count ?? 0);
}

/// <summary>A one-shot token the operator handled, and when it first did.</summary>
public sealed record HandledToken
{
    /// <summary>How many tokens of one annotation are remembered; an older token set again is handled again.</summary>
    public const int MaxEntries = 20;

    [JsonPropertyName("token")] public string Token { get; init; } = "";
    [JsonPropertyName("time"), JsonConverter(typeof(KubeTimeConverter))]
    public DateTimeOffset Time { get; init; }
}
