using System.Collections.Concurrent;

namespace ServerPower.Sandbox.Kubernetes.Http;

/// <summary>Identifies a class of write request: resource (plural), subresource ("" for the main resource) and verb.</summary>
public sealed record WriteKey(string Resource, string Subresource, string Verb);

/// <summary>Counts write requests (create, update, patch, delete, deletecollection) as they arrive.</summary>
public sealed class WriteCounter
{
    private readonly ConcurrentDictionary<WriteKey, long> counts = new();

    public void Add(WriteKey key) => counts.AddOrUpdate(key, 1, (_, n) => n + 1);

    public IReadOnlyDictionary<WriteKey, long> Snapshot() => new Dictionary<WriteKey, long>(counts);

    public long Count(string? resource = null, string? subresource = null, string? verb = null) =>
        counts.Where(p => (resource is null || p.Key.Resource == resource) &&
                          (subresource is null || p.Key.Subresource == subresource) &&
                          (verb is null || p.Key.Verb == verb))
            .Sum(p => p.Value);

    public void Reset() => counts.Clear();
}
