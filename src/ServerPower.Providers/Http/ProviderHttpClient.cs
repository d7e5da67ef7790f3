using System.Net;
using System.Net.Http.Headers;
using System.Reflection;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using ServerPower.Providers.Contract;

namespace ServerPower.Providers.Http;

/// <summary>
/// Sends one request for one account with the headers every provider gets (Bearer, Accept json, User-Agent)
/// and reads the answer up to <see cref="ProviderOptions.MaxResponseBytes"/> (a batch read: up to
/// <see cref="ProviderOptions.MaxBatchResponseBytes"/>). Never logs headers or bodies;
/// exceptions propagate to the resilience pipeline.
/// </summary>
internal sealed class ProviderHttpClient(
    IHttpClientFactory httpClientFactory,
    string clientName,
    ProviderAccount account,
    ProviderOptions options,
    TimeProvider timeProvider,
    ILogger logger)
{
    public static readonly string UserAgent = $"serverpower-operator/{Version()}";

    private readonly string baseAddress = account.Endpoint.AbsoluteUri.TrimEnd('/');

    /// <param name="once">
    /// The request must never be sent twice (a destructive action): it goes on a connection of its own, never a
    /// reused one, and tells the provider to close it.
    /// </param>
    public async Task<ProviderResponse> SendAsync(ProviderRequest request, bool once, CancellationToken cancellationToken)
    {
        using var message = Build(request);
        message.Headers.ConnectionClose = once ? true : null;
        var client = httpClientFactory.CreateClient(once ? ProviderHttpClients.OnceName(clientName) : clientName);
        var started = timeProvider.GetTimestamp();
        using var response = await client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        var limit = Math.Max(0, request.Operation == ProviderOperations.ReadAll ? options.MaxBatchResponseBytes : options.MaxResponseBytes);
        var (body, tooLarge) = await ReadBoundedAsync(response.Content, limit, cancellationToken);
        logger.LogDebug(
            "{Account}: {Method} {Path} answered {Status} in {ElapsedMs} ms",
            account.Key, request.Method, PathOnly(request.PathAndQuery), (int)response.StatusCode,
            (long)timeProvider.GetElapsedTime(started).TotalMilliseconds);
        var status = (int)response.StatusCode;
        var mediaType = response.Content.Headers.ContentType?.MediaType;
        var unreadable = status is >= 300 and < 400 ? "redirect not followed"
            : tooLarge ? $"larger than {limit} bytes"
            : null;
        return new ProviderResponse(status, body, RetryAfter(response), mediaType, unreadable);
    }

    private static async Task<(string Body, bool TooLarge)> ReadBoundedAsync(HttpContent content, int limit, CancellationToken cancellationToken) =>
        await BoundedBody.ReadAsync(content, limit, cancellationToken) is { } body ? (Encoding.UTF8.GetString(body), false) : ("", true);

    private HttpRequestMessage Build(ProviderRequest request)
    {
        var message = new HttpRequestMessage(request.Method, new Uri(baseAddress + request.PathAndQuery));
        message.Options.Set(ObservingHandler.ProviderKey, account.Type);
        message.Options.Set(ObservingHandler.AccountKey, account.Key);
        message.Options.Set(ObservingHandler.OperationKey, request.Operation ?? ProviderOperations.Read);
        message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        message.Headers.TryAddWithoutValidation("User-Agent", UserAgent);
        if (request.Authenticated)
        {
            message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", account.Credential.Reveal());
        }

        // HTTP/1.1 exactly, no 100-continue, and content on every request that is not a read (empty when the
        // provider documents none: on the wire that is the same "Content-Length: 0" a body-less POST carries):
        // with content the handler never resends the request by itself, and SendOnceContent refuses a second copy.
        message.Version = HttpVersion.Version11;
        message.VersionPolicy = HttpVersionPolicy.RequestVersionExact;
        message.Headers.ExpectContinue = false;
        if (request.JsonBody is not null)
        {
            message.Content = new SendOnceContent(JsonSerializer.SerializeToUtf8Bytes(request.JsonBody), "application/json");
        }
        else if (request.Method != HttpMethod.Get)
        {
            message.Content = new SendOnceContent([], mediaType: null);
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
