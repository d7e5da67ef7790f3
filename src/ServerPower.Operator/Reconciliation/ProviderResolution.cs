using ServerPower.Api.Resources;
using ServerPower.Providers.Contract;

namespace ServerPower.Operator.Reconciliation;

/// <summary>A PowerProvider turned into a usable provider account, or the reason it could not be.</summary>
public abstract record ProviderResolution
{
    public sealed record Usable(PowerProviderResource Resource, ProviderAccount Account, IPowerProvider Provider, TimeSpan? ReassertInterval) : ProviderResolution;

    /// <param name="Reason">A Synced reason from Vocabulary/Reasons.cs.</param>
    public sealed record Unusable(PowerProviderResource? Resource, string Reason, string Message) : ProviderResolution;
}
