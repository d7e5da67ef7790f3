using ServerPower.Api.Resources;
using ServerPower.Runtime;
using ServerPower.Operator.Probing;

namespace ServerPower.Operator.Reconciliation;

/// <summary>
/// Which ServerPowers of a namespace the operator serves when the namespace holds more than <see cref="Limit"/>
/// (--max-servers-per-namespace): the oldest (by creationTimestamp, then name), so the same ones across restarts and
/// replicas, and a new object never displaces an existing one. Fed by the ServerPower informer (every object, before
/// any reconcile); when a deletion frees a place or an object is displaced, <paramref name="servers"/> gets the key whose
/// standing changed. Per namespace a sorted list: a lookup is a binary search, whatever a tenant creates.
/// </summary>
public sealed class NamespaceQuota(int limit, IServerQueue servers) : IResourceEventHandler<ServerPowerResource>
{
    private static readonly IComparer<(DateTime Created, string Name)> Order = Comparer<(DateTime Created, string Name)>.Create(
        (a, b) => a.Created != b.Created ? a.Created.CompareTo(b.Created) : string.CompareOrdinal(a.Name, b.Name));

    private readonly Lock gate = new();
    private readonly Dictionary<string, List<(DateTime Created, string Name)>> namespaces = new(StringComparer.Ordinal);
    private readonly Dictionary<ObjectKey, DateTime> created = [];

    /// <summary>ServerPowers served per namespace; 0: no limit (nothing is tracked).</summary>
    public int Limit => limit;

    /// <summary>What the quota holds: objects and namespaces (nothing without a limit; a namespace only while it has objects).</summary>
    internal (int Objects, int Namespaces) Tracked
    {
        get
        {
            lock (gate) return (created.Count, namespaces.Count);
        }
    }

    /// <summary>Null when the server is served; otherwise how many ServerPowers its namespace holds.</summary>
    public int? Exceeded(ObjectKey key)
    {
        // Stryker disable once Equality : with no limit (0) Add tracks nothing, so going on returns null too
        if (limit <= 0) return null;
        lock (gate)
        {
            if (!created.TryGetValue(key, out var at) || !namespaces.TryGetValue(key.Namespace, out var list)) return null;
            var rank = list.BinarySearch((at, key.Name), Order);
            return rank >= limit ? list.Count : null;
        }
    }

    public void OnAdd(ServerPowerResource obj, bool relist) => Add(ObjectKey.From(obj.Metadata), obj.Metadata.CreationTimestamp ?? DateTime.MinValue);

    public void OnUpdate(ServerPowerResource oldObj, ServerPowerResource newObj, bool relist) => OnAdd(newObj, relist);

    public void OnDelete(ServerPowerResource obj)
    {
        // Stryker disable once Equality,Statement : with no limit (0) Add tracks nothing, so going on returns the same
        if (limit <= 0) return;
        var key = ObjectKey.From(obj.Metadata);
        ObjectKey? admitted = null;
        lock (gate)
        {
            if (!created.Remove(key, out var at)) return;
            var list = namespaces[key.Namespace];
            var rank = list.BinarySearch((at, key.Name), Order);
            list.RemoveAt(rank);
            if (rank < limit && list.Count >= limit) admitted = new ObjectKey(key.Namespace, list[limit - 1].Name);
            if (list.Count == 0) namespaces.Remove(key.Namespace);
        }
        if (admitted is { } next) servers.Enqueue(next);
    }

    /// <summary>
    /// A new object, or one whose creationTimestamp changed: deleted and created again under its name while the watch was
    /// down, which only a relist shows. It leaves its old place (which may admit the next one) and takes its new one
    /// (which may displace one); an object admitted and displaced again by the same change keeps its standing.
    /// </summary>
    private void Add(ObjectKey key, DateTime at)
    {
        if (limit <= 0) return;
        ObjectKey? admitted = null, displaced = null;
        lock (gate)
        {
            // Stryker disable once Statement : an unchanged object leaves and takes the same place; the one admitted is the one displaced, so nothing is enqueued
            if (created.TryGetValue(key, out var known) && known == at) return;
            if (!namespaces.TryGetValue(key.Namespace, out var list)) namespaces[key.Namespace] = list = [];
            if (created.Remove(key, out var old))
            {
                var left = list.BinarySearch((old, key.Name), Order);
                list.RemoveAt(left);
                if (left < limit && list.Count >= limit) admitted = new ObjectKey(key.Namespace, list[limit - 1].Name);
            }
            var rank = ~list.BinarySearch((at, key.Name), Order);
            list.Insert(rank, (at, key.Name));
            created[key] = at;
            if (rank < limit && list.Count > limit) displaced = new ObjectKey(key.Namespace, list[limit].Name);
        }
        if (admitted == displaced) return;
        if (admitted is { } inside) servers.Enqueue(inside);
        if (displaced is { } outside) servers.Enqueue(outside);
    }
}
