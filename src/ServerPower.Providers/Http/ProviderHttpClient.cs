using System.Net.Http.Headers;
using System.Reflection;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using ServerPower.Providers.Contract;

namespace ServerPower.Providers.Http;

/// <summary>
/// Sends one request for one account with the headers every provider gets (Bearer, Accept json, User-Agent)
/// and reads the whole answer. Never logs headers or bodies; exceptions propagate to the resilience pipeline.
/// </summary>
internal sealed class ProviderHttpClient(
    IHttpClientFactory httpClientFactory,
    string clientName,
    ProviderAccount account,
    TimeProvider timeProvider,
    ILogger logger)
{
    public static readonly string UserAgent = $"serverpower-operator/{Version()}";

    private static readonly MediaTypeHeaderValue Json = new("application/json");

    private readonly string baseAddress = account.Endpoint.AbsoluteUri.TrimEnd('/');

    public async Task<ProviderResponse> SendAsync(ProviderRequest request, CancellationToken cancellationToken)
    {
        using var message = Build(request);
        var client = httpClientFactory.CreateClient(clientName);
        var started = timeProvider.GetTimestamp();
        using var response = await client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        logger.LogDebug(
            "{Account}: {Method} {Path} answered {Status} in {ElapsedMs} ms",
            account.Key, request.Method, PathOnly(request.PathAndQuery), (int)response.StatusCode,
            (long)timeProvider.GetElapsedTime(started).TotalMilliseconds);
        var status = (int)response.StatusCode;
        var mediaType = response.Content.Headers.ContentType?.MediaType;
        var unreadable = status is >= 300 and < 400 ? "redirect not followed" : null;
        return new ProviderResponse(status, body, RetryAfter(response), mediaType, unreadable);
    }

    private HttpRequestMessage Build(ProviderRequest request)
    {
        var message = new HttpRequestMessage(request.Method, new Uri(baseAddress + request.PathAndQuery));
        message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        message.Headers.TryAddWithoutValidation("User-Agent", UserAgent);
        if (request.Authenticated)
        {
            message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", account.Credential.Reveal());
        }

        if (request.JsonBody is not null)
        {
            message.Content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(request.JsonBody));
            message.Content.Headers.ContentType = Json;
        }

        return message;
    }

    private TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        var delay = header?.Delta ?? (header?.Date is { } date ? date - timeProvider.GetUtcNow() : null);
        return delay is { } value ? (value < TimeSpan.Zero ? TimeSpan.Zero : value) : null;
    }

    private static string PathOnly(string pathAndQuery) => pathAndQuery.Split('?')[0];

    private static string Version()
    {
        var informational = typeof(ProviderHttpClient).Assembly
            .GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
        return informational.Split('+')[0];
    }
}
