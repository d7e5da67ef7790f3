using System.Text.Json.Serialization;
using k8s.Models;

namespace ServerPower.Runtime;

/// <summary>The body of a LIST of custom objects.</summary>
public sealed class CustomResourceList<T>
{
    [JsonPropertyName("metadata")] public V1ListMeta? Metadata { get; set; }
    [JsonPropertyName("items")] public List<T>? Items { get; set; }
}
