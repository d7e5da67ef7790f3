using ServerPower.Providers.Contract;

namespace ServerPower.Operator.Metrics;

/// <summary>Sets serverpower_provider_circuit_open{account}: 0 from the account's first call, 1 while its circuit is open.</summary>
public sealed class PrometheusProviderCircuits : IProviderCircuitObserver
{
    public void CircuitChanged(string accountKey, bool open) => OperatorMetrics.CircuitOpen.WithLabels(accountKey).Set(open ? 1 : 0);
}
