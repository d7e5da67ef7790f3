using System.Text.Json.Serialization;
using ServerPower.Api.Serialization;

namespace ServerPower.Api.Resources;

[JsonConverter(typeof(JsonStringEnumConverter<ProbeResult>))]
public enum ProbeResult { Success, Failure }

/// <summary>
/// The readiness probe's last result as recorded in status.probe. A run of equal results is recorded once (with the
/// time of its first probe), so a steady server costs no status writes.
/// </summary>
public sealed record ProbeStatus
{
    [JsonPropertyName("lastResult")] public ProbeResult LastResult { get; init; }
    [JsonPropertyName("lastProbeTime"), JsonConverter(typeof(KubeTimeConverter))]
    public DateTimeOffset LastProbeTime { get; init; }
    /// <summary>Failures in a row, counted up to failureThreshold.</summary>
    [JsonPropertyName("consecutiveFailures")] public int ConsecutiveFailures { get; init; }
    [JsonPropertyName("message")] public string? Message { get; init; }
}
