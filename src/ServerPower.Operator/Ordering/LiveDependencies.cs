using ServerPower.Api.Resources;

namespace ServerPower.Operator.Ordering;

/// <summary>
/// The cache's graph with the servers one ServerPower lists in spec.startAfter replaced by what the API server holds
/// now (read just before); everything else (dependents, a cycle's further links) as the cache has it.
/// </summary>
internal sealed class LiveDependencies(IServerGraph cache, string ns, IReadOnlyDictionary<string, ServerPowerResource?> live) : IServerGraph
{
    public ServerPowerResource? Get(string inNamespace, string name) =>
        inNamespace == ns && live.TryGetValue(name, out var read) ? read : cache.Get(inNamespace, name);

    public IReadOnlyList<ServerPowerResource> Dependents(string inNamespace, string name) => cache.Dependents(inNamespace, name);

    public static async Task<LiveDependencies> ReadAsync(IServerGraph cache, ILiveServerReader reader, ServerPowerResource server,
        CancellationToken cancellationToken)
    {
        // Stryker disable once String : the API server always sets a name and a namespace
        var ns = server.Metadata.NamespaceProperty ?? "";
        var live = new Dictionary<string, ServerPowerResource?>(StringComparer.Ordinal);
        foreach (var name in (server.Spec.StartAfter ?? []).Distinct(StringComparer.Ordinal))
            live[name] = await reader.GetLiveAsync(ns, name, cancellationToken);
        return new LiveDependencies(cache, ns, live);
    }
}
