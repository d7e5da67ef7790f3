using ServerPower.Api.Resources;

namespace ServerPower.Providers.Contract;

/// <summary>Everything needed to talk to one provider account, resolved from a PowerProvider and its Secrets.</summary>
/// <param name="Key">"namespace/name" of the PowerProvider: the unit of rate limiting, concurrency and circuit breaking.</param>
public sealed record ProviderAccount(
    string Key,
    ProviderType Type,
    Uri Endpoint,
    SecretValue Credential,
    RateLimitSpec? RateLimit,
    int MaxConcurrentActions,
    string? CaBundlePem = null);
