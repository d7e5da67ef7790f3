using ServerPower.Api.Resources;
using ServerPower.Providers.Contract;

namespace ServerPower.Operator.Ownership;

/// <summary>
/// One owner per server. ServerPowers that resolve to the same server of the same account (same provider type,
/// endpoint and credentials, and the same server id, whichever PowerProviders name them) would fight over it; the
/// first by creation time (then namespace, name and uid) keeps it and every other sends nothing. Decided afresh at
/// every reconcile from the cache, so the order objects are reconciled in does not matter, and a later one takes over
/// as soon as the owner is gone. Across namespaces only the same credentials make two objects one server's: a tenant
/// can never block another by declaring its server id first, and the owner's name is told only inside its namespace.
/// </summary>
public sealed class ServerOwnership(IServerIdLookup lookup, IProviderAccounts accounts) : IServerOwnership
{
    /// <summary>The message of a conflict: who owns the server instead; null when <paramref name="server"/> owns it.</summary>
    public async Task<string?> ConflictAsync(ServerPowerResource server, ProviderAccount account, CancellationToken cancellationToken)
    {
        var self = server.Metadata;
        foreach (var other in lookup.Declaring(server.Spec.ServerId).Where(o => Before(o, server)).OrderBy(o => o, Order))
        {
            var meta = other.Metadata;
            var theirs = await accounts.AccountOfAsync(meta.NamespaceProperty, other.Spec.ProviderRef.Name, cancellationToken);
            if (theirs is null || !SameAccount(theirs, account)) continue;
            var owner = meta.NamespaceProperty == self.NamespaceProperty
                ? $"ServerPower \"{meta.Name}\""
                : "a ServerPower in another namespace";
            return $"server \"{server.Spec.ServerId}\" of this account is already declared by {owner}, created first; only that one acts on it";
        }
        return null;
    }

    /// <summary>
    /// The informer cache shows another object's change only once its watch event arrived, so an object just edited to
    /// declare this server may not be in it yet (simulation seed 1331, with cache lag). The record of the action
    /// is a write to this object: once the cache has seen it, it has seen every change to ServerPowers of its watch
    /// scope written before it, and the check is made again on that.
    /// </summary>
    public async Task<OwnershipCheck> ConfirmAsync(ServerPowerResource recorded, ProviderAccount account, CancellationToken cancellationToken)
    {
        var meta = recorded.Metadata;
        if (meta.ResourceVersion is not { } version || !await lookup.CatchUpAsync(meta.NamespaceProperty, version, cancellationToken))
            return new OwnershipCheck(false, null);
        return new OwnershipCheck(true, await ConflictAsync(recorded, account, cancellationToken));
    }

    /// <summary>Creation time, then namespace, name and uid: a total order every operator replica agrees on.</summary>
    public static readonly IComparer<ServerPowerResource> Order = Comparer<ServerPowerResource>.Create((a, b) =>
    {
        var (x, y) = (a.Metadata, b.Metadata);
        var c = Nullable.Compare(x.CreationTimestamp, y.CreationTimestamp);
        if (c == 0) c = string.CompareOrdinal(x.NamespaceProperty, y.NamespaceProperty);
        if (c == 0) c = string.CompareOrdinal(x.Name, y.Name);
        if (c == 0) c = string.CompareOrdinal(x.Uid, y.Uid);
        return c;
    });

    private static bool Before(ServerPowerResource other, ServerPowerResource server) =>
        CachedServerIdLookup.Normalize(other.Spec.ServerId) == CachedServerIdLookup.Normalize(server.Spec.ServerId)
        && Order.Compare(other, server) < 0;

    private static bool SameAccount(ProviderAccount a, ProviderAccount b) =>
        a.Type == b.Type && string.Equals(Where(a.Endpoint), Where(b.Endpoint), StringComparison.OrdinalIgnoreCase)
        && a.Credential.Equals(b.Credential);

    private static string Where(Uri endpoint) => endpoint.GetLeftPart(UriPartial.Path).TrimEnd('/');
}
