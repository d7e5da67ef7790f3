using ServerPower.Providers.Contract;

namespace ServerPower.Operator.Ownership;

/// <summary>
/// The account a PowerProvider resolves to now, all that deciding ownership needs of provider resolution. Owned here so
/// Ownership names nothing of the reconcilers; the ProviderResolver (Reconciliation) answers it.
/// </summary>
public interface IProviderAccounts
{
    /// <summary>The usable account of PowerProvider <paramref name="providerName"/> in <paramref name="ns"/>; null when it is not usable.</summary>
    Task<ProviderAccount?> AccountOfAsync(string ns, string providerName, CancellationToken cancellationToken);
}
