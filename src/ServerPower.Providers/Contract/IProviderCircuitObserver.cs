namespace ServerPower.Providers.Contract;

/// <summary>
/// Sees each account's circuit breaker change (register any number in the container): open from the moment it opens
/// until it closes again (its half-open trial included), and closed when an account's provider instance is created,
/// since a new instance starts with a closed circuit. Must not block.
/// </summary>
public interface IProviderCircuitObserver
{
    void CircuitChanged(string accountKey, bool open);
}
