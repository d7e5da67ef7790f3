using ServerPower.Api.Resources;
using ServerPower.Providers.Contract;

namespace ServerPower.Operator.Metrics;

/// <summary>
/// Counts every provider call by account, provider type, operation and outcome (serverpower_provider_calls_total),
/// including calls answered without a request; the HTTP requests themselves are counted by
/// <see cref="PrometheusProviderRequests"/>. Releasing an account removes its circuit gauge.
/// </summary>
public sealed class MeteredProviderFactory(IPowerProviderFactory inner) : IPowerProviderFactory
{
    public IPowerProvider Get(ProviderAccount account) => new MeteredProvider(inner.Get(account), account.Key);

    public void Release(string accountKey)
    {
        inner.Release(accountKey);
        OperatorMetrics.CircuitOpen.RemoveLabelled(accountKey);
    }

    private sealed class MeteredProvider(IPowerProvider inner, string account) : IPowerProvider
    {
        public ProviderType Type => inner.Type;
        public ProviderCapabilities Capabilities => inner.Capabilities;

        public Task<ReadResult> ReadAsync(string serverId, CancellationToken cancellationToken) =>
            MeasureAsync("read", () => inner.ReadAsync(serverId, cancellationToken), r => r.Outcome);

        public Task<BatchReadResult> ReadAllAsync(CancellationToken cancellationToken) =>
            MeasureAsync("read_all", () => inner.ReadAllAsync(cancellationToken), r => r.Outcome);

        public Task<ProviderOutcome> SendAsync(string serverId, ActionType action, RebuildRequest? rebuild, CancellationToken cancellationToken) =>
            MeasureAsync(action.ToString().ToLowerInvariant(), () => inner.SendAsync(serverId, action, rebuild, cancellationToken), o => o);

        public Task<ProviderOutcome> SendCommandAsync(string serverId, string command, CancellationToken cancellationToken) =>
            MeasureAsync("command", () => inner.SendCommandAsync(serverId, command, cancellationToken), o => o);

        public TimeSpan? ActionWait(string serverId) => inner.ActionWait(serverId);

        public Task<ProviderOutcome> ProbeAsync(CancellationToken cancellationToken) =>
            MeasureAsync("probe", () => inner.ProbeAsync(cancellationToken), o => o);

        private async Task<T> MeasureAsync<T>(string operation, Func<Task<T>> call, Func<T, ProviderOutcome> outcome)
        {
            var result = await call();
            OperatorMetrics.ProviderCalls.WithLabels(account, inner.Type.ToString(), operation, outcome(result).Kind.ToString()).Inc();
            return result;
        }
    }
}
