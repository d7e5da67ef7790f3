using System.Text.Json.Serialization;
using ServerPower.Api.Serialization;

namespace ServerPower.Api.Resources;

/// <summary>
/// status.stopWarning: the last spec.stop.warning sent before a stop. Recorded before the command is sent, so a restart
/// of the operator neither sends it again nor skips the wait; a warning counts for the stop that follows it only (sent
/// after the last action), and is dropped when the server is declared Running again.
/// </summary>
public sealed record StopWarningStatus
{
    [JsonPropertyName("sentAt"), JsonConverter(typeof(KubeTimeConverter))]
    public DateTimeOffset SentAt { get; init; }

    /// <summary>True when the console refused the command or did not answer: the stop then goes on at once.</summary>
    [JsonPropertyName("failed")] public bool? Failed { get; init; }

    [JsonPropertyName("message")] public string? Message { get; init; }
}
