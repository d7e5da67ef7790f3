using System.Text.Json.Serialization;
using k8s;
using k8s.Models;
using ServerPower.Api.Vocabulary;

namespace ServerPower.Api.Resources;

/// <summary>One server's declared power state (kind ServerPower).</summary>
public sealed class ServerPowerResource : IKubernetesObject<V1ObjectMeta>
{
    [JsonPropertyName("apiVersion")] public string ApiVersion { get; set; } = ApiGroup.ApiVersion;
    [JsonPropertyName("kind")] public string Kind { get; set; } = ApiGroup.ServerPowerKind;
    [JsonPropertyName("metadata")] public V1ObjectMeta Metadata { get; set; } = new();
    [JsonPropertyName("spec")] public ServerPowerSpec Spec { get; set; } = new();
    [JsonPropertyName("status")] public ServerPowerStatus? Status { get; set; }
}
