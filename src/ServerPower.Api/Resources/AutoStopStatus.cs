using System.Text.Json.Serialization;
using ServerPower.Api.Serialization;

namespace ServerPower.Api.Resources;

/// <summary>Why the operator stopped a server by itself (status.autoStop.reason).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<AutoStopReason>))]
public enum AutoStopReason { Idle, MaxRuntime }

/// <summary>
/// status.autoStop: what the activity reads saw and, once the server was auto-stopped, when and why. Absent without
/// spec.autoStop. An unknown player count (a failed or unreadable read) is absent, never 0.
/// </summary>
public sealed record AutoStopStatus
{
    /// <summary>Players seen by the last successful read; absent while the last read failed.</summary>
    [JsonPropertyName("players")] public int? Players { get; init; }

    /// <summary>When activity was last read, successfully or not.</summary>
    [JsonPropertyName("lastReadTime"), JsonConverter(typeof(KubeTimeConverter))]
    public DateTimeOffset? LastReadTime { get; init; }

    /// <summary>When a read last saw at least one player.</summary>
    [JsonPropertyName("lastActiveTime"), JsonConverter(typeof(KubeTimeConverter))]
    public DateTimeOffset? LastActiveTime { get; init; }

    /// <summary>The start of the unbroken run of successful reads that saw 0 players; absent otherwise.</summary>
    [JsonPropertyName("idleSince"), JsonConverter(typeof(KubeTimeConverter))]
    public DateTimeOffset? IdleSince { get; init; }

    /// <summary>
    /// When the operator last saw the server start: first seen Running after it was not (or at first sight), or the
    /// request time of an accepted restart or rebuild (for a provider that cannot report state: the first accepted
    /// start). maxRuntime and startupGrace count from it; absent while the server is not running.
    /// </summary>
    [JsonPropertyName("startedAt"), JsonConverter(typeof(KubeTimeConverter))]
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>When the operator auto-stopped the server; absent once it was woken or started again.</summary>
    [JsonPropertyName("stoppedAt"), JsonConverter(typeof(KubeTimeConverter))]
    public DateTimeOffset? StoppedAt { get; init; }

    /// <summary>metadata.generation when it was auto-stopped: a newer generation (any spec change) wakes it.</summary>
    [JsonPropertyName("stoppedGeneration")] public long? StoppedGeneration { get; init; }

    /// <summary>Why it was auto-stopped, with <see cref="StoppedAt"/>.</summary>
    [JsonPropertyName("reason")] public AutoStopReason? Reason { get; init; }
}
