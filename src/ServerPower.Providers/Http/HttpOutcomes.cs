using ServerPower.Providers.Contract;

namespace ServerPower.Providers.Http;

/// <summary>The HTTP status mapping every adapter starts from; adapters override what their provider documents.</summary>
internal static class HttpOutcomes
{
    public static ProviderOutcome FromStatus(ProviderResponse response, string? providerMessage)
    {
        var message = string.IsNullOrWhiteSpace(providerMessage) ? $"HTTP {response.StatusCode}" : providerMessage.Trim();
        var kind = response.StatusCode switch
        {
            401 => OutcomeKind.Unauthorized,
            403 => OutcomeKind.Forbidden,
            404 => OutcomeKind.NotFound,
            409 or 423 => OutcomeKind.Busy,
            400 or 405 or 422 => OutcomeKind.Invalid,
            429 => OutcomeKind.RateLimited,
            _ => OutcomeKind.Unavailable,
        };
        return new ProviderOutcome(kind, message, response.RetryAfter);
    }
}
