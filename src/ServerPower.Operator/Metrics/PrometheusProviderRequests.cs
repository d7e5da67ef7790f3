using ServerPower.Providers.Http;

namespace ServerPower.Operator.Metrics;

/// <summary>
/// Counts and times every HTTP request a provider sends (serverpower_provider_requests_total, …_duration_seconds);
/// a 429 is counted as status <c>429</c>, apart from the other 4xx answers, so the throttled share of an account's
/// requests is one query.
/// </summary>
public sealed class PrometheusProviderRequests : IProviderRequestObserver
{
    public void Completed(ProviderRequestRecord request)
    {
        var provider = request.Provider.ToString();
        var status = request.StatusCode == 429 ? "429" : request.StatusClass;
        OperatorMetrics.ProviderRequests.WithLabels(request.Account, provider, request.Operation, request.Method.Method, status).Inc();
        OperatorMetrics.ProviderLatency.WithLabels(request.Account, provider, request.Operation).Observe(request.Duration.TotalSeconds);
    }
}
