using ServerPower.Providers.Http;

namespace ServerPower.Operator.Metrics;

/// <summary>Counts and times every HTTP request a provider sends (serverpower_provider_requests_total, …_duration_seconds).</summary>
public sealed class PrometheusProviderRequests : IProviderRequestObserver
{
    public void Completed(ProviderRequestRecord request)
    {
        var provider = request.Provider.ToString();
        OperatorMetrics.ProviderRequests.WithLabels(provider, request.Operation, request.Method.Method, request.StatusClass).Inc();
        OperatorMetrics.ProviderLatency.WithLabels(provider, request.Operation).Observe(request.Duration.TotalSeconds);
    }
}
