using System.Text.Json.Serialization;
using ServerPower.Api.Serialization;

namespace ServerPower.Api.Resources;

/// <summary>The power.serverops.io/override annotation as the operator read it.</summary>
public sealed record OverrideStatus
{
    [JsonPropertyName("state")] public TargetPowerState State { get; init; }

    /// <summary>When the override ends; absent: it lasts until the annotation is removed.</summary>
    [JsonPropertyName("until"), JsonConverter(typeof(KubeTimeConverter))]
    public DateTimeOffset? Until { get; init; }

    /// <summary>True while it is in force; false once <see cref="Until"/> has passed (it is then ignored).</summary>
    [JsonPropertyName("active")] public bool Active { get; init; }
}
