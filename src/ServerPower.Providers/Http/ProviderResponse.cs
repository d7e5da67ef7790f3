namespace ServerPower.Providers.Http;

/// <summary>A provider's answer, read (up to the size bound) inside the attempt's timeout.</summary>
/// <param name="RetryAfter">The Retry-After header as a delay, when the provider sent one.</param>
/// <param name="MediaType">The answer's Content-Type media type, when it had one.</param>
/// <param name="Unreadable">
/// Why the answer cannot be read at all (a redirect, a body over the size bound), or null. Such an answer is
/// never mapped by an adapter: it becomes <see cref="HttpOutcomes.Unreadable"/>.
/// </param>
internal sealed record ProviderResponse(int StatusCode, string Body, TimeSpan? RetryAfter, string? MediaType = null, string? Unreadable = null)
{
    public bool IsSuccess => StatusCode is >= 200 and < 300;
}
