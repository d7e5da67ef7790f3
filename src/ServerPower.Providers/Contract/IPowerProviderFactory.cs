namespace ServerPower.Providers.Contract;

/// <summary>
/// Gives the provider for an account. The same account (equal record) gets the same instance, so its rate
/// limiter, concurrency limit, circuit breaker and batch-read cache are shared; a changed account gets a new one.
/// </summary>
public interface IPowerProviderFactory
{
    IPowerProvider Get(ProviderAccount account);

    /// <summary>Forgets a deleted account: its provider instance (limiter, breaker, batch cache) and its 429 wait.</summary>
    void Release(string accountKey)
    {
    }
}
