using ServerPower.Api.Resources;
using ServerPower.Operator.Runtime;

namespace ServerPower.Operator.Ordering;

/// <summary>
/// <see cref="IServerGraph"/> over the informer's ServerPower cache, with an index of spec.startAfter names, so finding a
/// server's dependents costs a lookup, not a scan.
/// </summary>
public sealed class StoreServerGraph : IServerGraph
{
    public const string StartAfterIndex = "startAfter";

    private readonly ObjectStore<ServerPowerResource> store;

    /// <summary>Adds the startAfter index to <paramref name="store"/> (before its informer runs).</summary>
    public StoreServerGraph(ObjectStore<ServerPowerResource> store)
    {
        this.store = store;
        store.AddIndex(StartAfterIndex, IndexValues);
    }

    public ServerPowerResource? Get(string ns, string name) => store.Get(new ObjectKey(ns, name));

    public IReadOnlyList<ServerPowerResource> Dependents(string ns, string name) => store.ByIndex(StartAfterIndex, IndexValue(ns, name));

    public static IEnumerable<string> IndexValues(ServerPowerResource server) =>
        (server.Spec.StartAfter ?? []).Distinct().Select(n => IndexValue(server.Metadata.NamespaceProperty ?? "", n));

    private static string IndexValue(string ns, string name) => $"{ns}/{name}";
}
