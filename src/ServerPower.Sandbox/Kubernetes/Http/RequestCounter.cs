using System.Collections.Concurrent;

namespace ServerPower.Sandbox.Kubernetes.Http;

/// <summary>
/// A class of resource request: resource (plural), subresource ("" for the main resource), verb, and the
/// <c>fieldManager</c> query parameter ("" when absent).
/// </summary>
public sealed record RequestKey(string Resource, string Subresource, string Verb, string FieldManager);

/// <summary>Counts every resource request as it arrives (after authorization, faulted ones included).</summary>
public sealed class RequestCounter
{
    private readonly ConcurrentDictionary<RequestKey, long> counts = new();

    public void Add(RequestKey key) => counts.AddOrUpdate(key, 1, (_, n) => n + 1);

    public IReadOnlyDictionary<RequestKey, long> Snapshot() => new Dictionary<RequestKey, long>(counts);

    public long Count(string? resource = null, string? subresource = null, string? verb = null, string? fieldManager = null) =>
        counts.Where(p => (resource is null || p.Key.Resource == resource) &&
                          (subresource is null || p.Key.Subresource == subresource) &&
                          (verb is null || p.Key.Verb == verb) &&
                          (fieldManager is null || p.Key.FieldManager == fieldManager))
            .Sum(p => p.Value);

    public void Reset() => counts.Clear();
}
