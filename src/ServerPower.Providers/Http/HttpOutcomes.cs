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

    /// <summary>
    /// An answer the operator cannot read (a redirect, an HTML page, a success without the documented success
    /// field, a body that is not the documented JSON, a body over the size bound) is never success: Unavailable,
    /// and the request may have been executed. <paramref name="why"/> says what was missing when the body was JSON.
    /// </summary>
    public static ProviderOutcome Unreadable(ProviderResponse response, string? why = null)
    {
        var reason = response.Unreadable
            ?? (JsonRead.Parse(response.Body) is null ? NotJson(response) : why ?? "not the documented answer");
        return new ProviderOutcome(OutcomeKind.Unavailable, $"unreadable answer (HTTP {response.StatusCode}, {reason})", MayHaveReachedProvider: true);
    }

    private static string NotJson(ProviderResponse response) =>
        response.MediaType ?? (string.IsNullOrWhiteSpace(response.Body) ? "empty body" : "body is not JSON");
}
