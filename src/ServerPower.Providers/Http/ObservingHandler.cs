using ServerPower.Api.Resources;

namespace ServerPower.Providers.Http;

/// <summary>
/// The outermost handler of every provider HTTP client: tells the observers of each request that went out, with the
/// provider type, account and operation <see cref="ProviderHttpClient"/> put on the message.
/// </summary>
internal sealed class ObservingHandler(IReadOnlyList<IProviderRequestObserver> observers, TimeProvider timeProvider) : DelegatingHandler
{
    public static readonly HttpRequestOptionsKey<ProviderType> ProviderKey = new("serverpower.provider");

    public static readonly HttpRequestOptionsKey<string> OperationKey = new("serverpower.operation");

    public static readonly HttpRequestOptionsKey<string> AccountKey = new("serverpower.account");

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var started = timeProvider.GetTimestamp();
        int? status = null;
        try
        {
            var response = await base.SendAsync(request, cancellationToken);
            status = (int)response.StatusCode;
            return response;
        }
        finally
        {
            request.Options.TryGetValue(ProviderKey, out var provider);
            if (!request.Options.TryGetValue(OperationKey, out var operation)) operation = "unknown";
            if (!request.Options.TryGetValue(AccountKey, out var account)) account = "unknown";
            var record = new ProviderRequestRecord(provider, account, operation, request.Method, status, timeProvider.GetElapsedTime(started));
            foreach (var observer in observers) observer.Completed(record);
        }
    }
}
