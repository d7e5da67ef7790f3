using System.Text.Json.Serialization;
using k8s;
using k8s.Models;
using ServerPower.Api.Vocabulary;

namespace ServerPower.Api.Resources;

/// <summary>One account at one provider (kind PowerProvider).</summary>
public sealed class PowerProviderResource : IKubernetesObject<V1ObjectMeta>
{
    [JsonPropertyName("apiVersion")] public string ApiVersion { get; set; } = ApiGroup.ApiVersion;
    [JsonPropertyName("kind")] public string Kind { get; set; } = ApiGroup.PowerProviderKind;
    [JsonPropertyName("metadata")] public V1ObjectMeta Metadata { get; set; } = new();
    [JsonPropertyName("spec")] public PowerProviderSpec Spec { get; set; } = new();
    [JsonPropertyName("status")] public PowerProviderStatus? Status { get; set; }
}

public sealed record PowerProviderSpec
{
    [JsonPropertyName("type")] public ProviderType Type { get; init; }

    /// <summary>Base URL; defaults per type where the provider has one (Wenium, HEO).</summary>
    [JsonPropertyName("endpoint")] public string? Endpoint { get; init; }

    [JsonPropertyName("credentialsSecretRef")] public SecretKeyReference CredentialsSecretRef { get; init; } = new();

    /// <summary>Optional Secret key holding a PEM CA bundle to trust (Wings nodes with a private CA).</summary>
    [JsonPropertyName("caBundleSecretRef")] public SecretKeyReference? CaBundleSecretRef { get; init; }

    [JsonPropertyName("rateLimit")] public RateLimitSpec? RateLimit { get; init; }

    [JsonPropertyName("maxConcurrentActions")] public int MaxConcurrentActions { get; init; } = DefaultMaxConcurrentActions;

    /// <summary>State-blind providers (HEO): re-send the declared action this often (Go duration). Off when absent.</summary>
    [JsonPropertyName("reassertInterval")] public string? ReassertInterval { get; init; }

    public const int DefaultMaxConcurrentActions = 4;

    public static string? DefaultEndpoint(ProviderType type) => type switch
    {
        ProviderType.Wenium => "https://console.wenium.com/api",
        ProviderType.Heo => "https://api.heo-systems.net",
        _ => null,
    };
}

/// <summary>A token bucket per provider account.</summary>
public sealed record RateLimitSpec
{
    [JsonPropertyName("requestsPerSecond")] public double RequestsPerSecond { get; init; } = 5;
    [JsonPropertyName("burst")] public int Burst { get; init; } = 10;
}

public sealed record PowerProviderStatus
{
    [JsonPropertyName("observedGeneration")] public long? ObservedGeneration { get; init; }
    [JsonPropertyName("conditions")] public IReadOnlyList<Condition>? Conditions { get; init; }
}
