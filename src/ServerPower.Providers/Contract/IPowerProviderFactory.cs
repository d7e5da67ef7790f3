namespace ServerPower.Providers.Contract;

/// <summary>
/// Gives the provider for an account. The same account (equal record) gets the same instance, so its circuit
/// breaker and batch-read cache are shared; a changed account gets a new one. The account's limits (rate limit,
/// actions in flight, a 429 wait) belong to its key and hold across such a change.
/// </summary>
public interface IPowerProviderFactory
{
    IPowerProvider Get(ProviderAccount account);

    /// <summary>Forgets a deleted account: its provider instance (breaker, batch cache) and its limits (429 wait, bucket, action slots).</summary>
    void Release(string accountKey)
    {
    }
}
