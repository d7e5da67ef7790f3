using ServerPower.Api.Resources;
using ServerPower.Runtime;

namespace ServerPower.Operator.Ordering;

/// <summary>
/// <see cref="IServerGraph"/> over the informer's ServerPower cache, whose <see cref="StartAfterIndex"/> files every
/// server under the names it lists, so finding a server's dependents costs a lookup, not a scan.
/// </summary>
public sealed class ServerGraph(ICacheReader cache) : IServerGraph
{
    /// <summary>Index of the ServerPower cache: each server filed under <c>namespace/name</c> of every spec.startAfter entry.</summary>
    public const string StartAfterIndex = "startAfter";

    public ServerPowerResource? Get(string ns, string name) => cache.Get<ServerPowerResource>(new ObjectKey(ns, name));

    public IReadOnlyList<ServerPowerResource> Dependents(string ns, string name) =>
        cache.ByIndex<ServerPowerResource>(StartAfterIndex, Key(ns, name));

    /// <summary>The values a server is filed under in <see cref="StartAfterIndex"/>.</summary>
    public static IEnumerable<string> StartAfterOf(ServerPowerResource server) =>
        Dependencies(server).Select(k => Key(k.Namespace, k.Name));

    /// <summary>The index value under which the servers that list <paramref name="server"/> are filed.</summary>
    public static IEnumerable<string> NameOf(ServerPowerResource server) =>
        // Stryker disable once String : the API server always sets a name and a namespace
        [Key(server.Metadata.NamespaceProperty ?? "", server.Metadata.Name ?? "")];

    /// <summary>The servers <paramref name="server"/> lists in spec.startAfter.</summary>
    public static IEnumerable<ObjectKey> Dependencies(ServerPowerResource server) =>
        // Stryker disable once String : the API server always sets a name and a namespace
        (server.Spec.StartAfter ?? []).Distinct().Select(n => new ObjectKey(server.Metadata.NamespaceProperty ?? "", n));

    private static string Key(string ns, string name) => $"{ns}/{name}";
}
