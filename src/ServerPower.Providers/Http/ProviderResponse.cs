namespace ServerPower.Providers.Http;

/// <summary>A provider's answer, read completely inside the attempt's timeout.</summary>
/// <param name="RetryAfter">The Retry-After header as a delay, when the provider sent one.</param>
internal sealed record ProviderResponse(int StatusCode, string Body, TimeSpan? RetryAfter)
{
    public bool IsSuccess => StatusCode is >= 200 and < 300;
}
