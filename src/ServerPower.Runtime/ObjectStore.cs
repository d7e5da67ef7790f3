using k8s;
using k8s.Models;

namespace ServerPower.Runtime;

/// <summary>The informer's thread-safe cache of one kind, keyed by namespace/name, with optional secondary indexes.</summary>
public sealed class ObjectStore<T> where T : class, IKubernetesObject<V1ObjectMeta>
{
    private readonly Lock gate = new();
    private readonly Dictionary<ObjectKey, T> items = [];
    private readonly Dictionary<string, Func<T, IEnumerable<string>>> indexers = [];
    private readonly Dictionary<string, Dictionary<string, HashSet<ObjectKey>>> indexes = [];

    public int Count
    {
        get { lock (gate) return items.Count; }
    }

    public T? Get(ObjectKey key)
    {
        lock (gate) return items.GetValueOrDefault(key);
    }

    public IReadOnlyList<T> List()
    {
        lock (gate) return [.. items.Values];
    }

    public IReadOnlyList<ObjectKey> Keys()
    {
        lock (gate) return [.. items.Keys];
    }

    /// <summary>Adds an index: each object is filed under the values the function returns. Add indexes before the informer runs.</summary>
    public void AddIndex(string name, Func<T, IEnumerable<string>> indexer)
    {
        lock (gate)
        {
            indexers.Add(name, indexer);
            var index = indexes[name] = [];
            foreach (var (key, obj) in items) File(index, indexer, key, obj);
        }
    }

    public IReadOnlyList<T> ByIndex(string name, string value)
    {
        lock (gate)
        {
            if (!indexes[name].TryGetValue(value, out var keys)) return [];
            return [.. keys.Select(k => items[k])];
        }
    }

    /// <summary>The kind's <see cref="StoreTransform{T}"/>, applied after the trim; null: none.</summary>
    internal Func<T, T>? Transform { get; set; }

    /// <summary>
    /// Stores the object, trimmed of what no reconciler reads (managedFields and kubectl's last-applied annotation,
    /// which together are often most of an object's size) and then transformed, and returns the one it replaced.
    /// </summary>
    internal T? Set(T obj)
    {
        Trim(obj.Metadata);
        if (Transform is { } transform) obj = transform(obj);
        var key = ObjectKey.From(obj.Metadata);
        lock (gate)
        {
            var old = items.GetValueOrDefault(key);
            if (old is not null) Unindex(key, old);
            items[key] = obj;
            foreach (var (name, indexer) in indexers) File(indexes[name], indexer, key, obj);
            return old;
        }
    }

    internal T? Remove(ObjectKey key)
    {
        lock (gate)
        {
            if (!items.Remove(key, out var old)) return null;
            Unindex(key, old);
            return old;
        }
    }

    public const string LastAppliedAnnotation = "kubectl.kubernetes.io/last-applied-configuration";

    private static void Trim(V1ObjectMeta meta)
    {
        meta.ManagedFields = null;
        meta.Annotations?.Remove(LastAppliedAnnotation);
    }

    private void Unindex(ObjectKey key, T obj)
    {
        foreach (var (name, indexer) in indexers)
        {
            var index = indexes[name];
            foreach (var value in indexer(obj))
            {
                if (!index.TryGetValue(value, out var keys)) continue;
                keys.Remove(key);
                // Stryker disable once Statement : an empty set answers ByIndex as a missing one does; dropping it only frees memory
                if (keys.Count == 0) index.Remove(value);
            }
        }
    }

    private static void File(Dictionary<string, HashSet<ObjectKey>> index, Func<T, IEnumerable<string>> indexer, ObjectKey key, T obj)
    {
        foreach (var value in indexer(obj))
        {
            if (!index.TryGetValue(value, out var keys)) index[value] = keys = [];
            keys.Add(key);
        }
    }
}
