using System.Collections.Immutable;

namespace ServerPower.Sandbox.Kubernetes.Api;

/// <summary>The served resources: built-ins plus one entry per served version of each installed CRD.</summary>
/// <remarks>Readers use an immutable snapshot; writers (CRD changes, under the store lock) swap it.</remarks>
public sealed class ResourceRegistry
{
    private volatile Snapshot current;

    public ResourceRegistry()
    {
        current = new Snapshot(BuiltinResources.All.ToImmutableList(), ImmutableDictionary<string, ImmutableList<ResourceType>>.Empty);
    }

    private sealed record Snapshot(
        ImmutableList<ResourceType> Builtins,
        ImmutableDictionary<string, ImmutableList<ResourceType>> ByCrd)
    {
        public IEnumerable<ResourceType> All => Builtins.Concat(ByCrd.OrderBy(p => p.Key, StringComparer.Ordinal).SelectMany(p => p.Value));
    }

    public IReadOnlyList<ResourceType> All => current.All.ToList();

    public ResourceType? Find(string group, string version, string plural) =>
        current.All.FirstOrDefault(t => t.Group == group && t.Version == version && t.Plural == plural);

    public ResourceType? FindByKind(string group, string version, string kind) =>
        current.All.FirstOrDefault(t => t.Group == group && t.Version == version && t.Kind == kind);

    /// <summary>Any served version of a group/resource (the first, i.e. the storage-preferred one).</summary>
    public ResourceType? FindAnyVersion(string group, string plural) =>
        current.All.FirstOrDefault(t => t.Group == group && t.Plural == plural);

    public IReadOnlyList<ResourceType> InGroupVersion(string group, string version) =>
        current.All.Where(t => t.Group == group && t.Version == version).ToList();

    /// <summary>Groups with their versions, preferred (first listed) version first.</summary>
    public IReadOnlyList<(string Group, IReadOnlyList<string> Versions)> Groups() =>
        current.All.Where(t => t.Group.Length > 0)
            .GroupBy(t => t.Group)
            .Select(g => (g.Key, (IReadOnlyList<string>)g.Select(t => t.Version).Distinct().ToList()))
            .ToList();

    public void SetCrd(string crdName, IReadOnlyList<ResourceType> versions)
    {
        var snap = current;
        current = snap with { ByCrd = snap.ByCrd.SetItem(crdName, versions.ToImmutableList()) };
    }

    public void RemoveCrd(string crdName)
    {
        var snap = current;
        current = snap with { ByCrd = snap.ByCrd.Remove(crdName) };
    }
}
