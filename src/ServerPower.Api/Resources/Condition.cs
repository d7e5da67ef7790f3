using System.Text.Json.Serialization;
using ServerPower.Api.Serialization;

namespace ServerPower.Api.Resources;

/// <summary>A condition as the Kubernetes API conventions define it (metav1.Condition).</summary>
public sealed record Condition
{
    [JsonPropertyName("type")] public string Type { get; init; } = "";
    [JsonPropertyName("status")] public string Status { get; init; } = "Unknown";
    [JsonPropertyName("reason")] public string Reason { get; init; } = "";
    [JsonPropertyName("message")] public string Message { get; init; } = "";
    [JsonPropertyName("lastTransitionTime"), JsonConverter(typeof(KubeTimeConverter))]
    public DateTimeOffset LastTransitionTime { get; init; }
    [JsonPropertyName("observedGeneration")] public long? ObservedGeneration { get; init; }
}
