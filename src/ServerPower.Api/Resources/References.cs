using System.Text.Json.Serialization;

namespace ServerPower.Api.Resources;

/// <summary>A reference to an object in the same namespace.</summary>
public sealed record LocalObjectReference
{
    [JsonPropertyName("name")] public string Name { get; init; } = "";
}

/// <summary>A key of a Secret in the same namespace.</summary>
public sealed record SecretKeyReference
{
    [JsonPropertyName("name")] public string Name { get; init; } = "";
    [JsonPropertyName("key")] public string Key { get; init; } = "";
}
