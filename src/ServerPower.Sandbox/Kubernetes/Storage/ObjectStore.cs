using System.Text.Json;
using System.Text.Json.Nodes;

namespace ServerPower.Sandbox.Kubernetes.Storage;

/// <summary>
/// All objects of the emulated cluster, one global resourceVersion counter, the retained event window
/// and the watchers. Every method requires the caller to hold <see cref="Gate"/>: a request's whole
/// read-check-write runs under it, which gives the same linearizable semantics as etcd transactions.
/// </summary>
public sealed class ObjectStore(int eventWindow, int watcherCapacity)
{
    private readonly Dictionary<string, Bucket> buckets = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> namespaceCounts = new(StringComparer.Ordinal);
    private readonly WatchEvent?[] ring = new WatchEvent?[Math.Max(1, eventWindow)];
    private int ringStart;
    private int ringCount;

    public object Gate { get; } = new();
    public long CurrentResourceVersion { get; private set; } = 1;
    /// <summary>The resourceVersion of the newest event no longer retained (0 = none evicted).</summary>
    public long CompactedThrough { get; private set; }

    private sealed class Bucket
    {
        public readonly SortedDictionary<string, SortedDictionary<string, StoredObject>> ByNamespace = new(StringComparer.Ordinal);
        public readonly List<Watcher> Watchers = [];
        public int Count;
    }

    private Bucket BucketFor(string key)
    {
        if (!buckets.TryGetValue(key, out var bucket))
        {
            bucket = new Bucket();
            buckets[key] = bucket;
        }
        return bucket;
    }

    public int Count(string key) => buckets.TryGetValue(key, out var b) ? b.Count : 0;

    public int CountInNamespace(string ns) => namespaceCounts.GetValueOrDefault(ns);

    public IEnumerable<string> StorageKeys => buckets.Keys;

    public StoredObject? Get(string key, string ns, string name) =>
        buckets.TryGetValue(key, out var b) && b.ByNamespace.TryGetValue(ns, out var names) && names.TryGetValue(name, out var o)
            ? o
            : null;

    /// <summary>Objects ordered by namespace then name; one namespace when <paramref name="ns"/> is set.</summary>
    public IEnumerable<StoredObject> List(string key, string? ns)
    {
        if (!buckets.TryGetValue(key, out var b))
        {
            return [];
        }
        if (ns is not null)
        {
            return b.ByNamespace.TryGetValue(ns, out var names) ? names.Values : [];
        }
        return b.ByNamespace.Values.SelectMany(n => n.Values);
    }

    /// <summary>Stores <paramref name="obj"/> under a new resourceVersion and emits ADDED or MODIFIED.</summary>
    public StoredObject Put(string key, JsonObject obj)
    {
        var meta = obj["metadata"]!.AsObject();
        var ns = (string?)meta["namespace"] ?? "";
        var name = (string)meta["name"]!;
        var bucket = BucketFor(key);
        var previous = Get(key, ns, name);
        var stored = Serialize(obj, ns, name);
        if (!bucket.ByNamespace.TryGetValue(ns, out var names))
        {
            names = new SortedDictionary<string, StoredObject>(StringComparer.Ordinal);
            bucket.ByNamespace[ns] = names;
        }
        names[name] = stored;
        if (previous is null)
        {
            bucket.Count++;
            namespaceCounts[ns] = namespaceCounts.GetValueOrDefault(ns) + 1;
        }
        Emit(bucket, new WatchEvent(previous is null ? "ADDED" : "MODIFIED", stored.ResourceVersion, key, ns, name,
            stored.Labels, previous?.Labels, stored.Json));
        return stored;
    }

    /// <summary>Removes an object; the DELETED event carries <paramref name="last"/> at a new resourceVersion.</summary>
    public StoredObject Remove(string key, JsonObject last)
    {
        var meta = last["metadata"]!.AsObject();
        var ns = (string?)meta["namespace"] ?? "";
        var name = (string)meta["name"]!;
        var bucket = BucketFor(key);
        var names = bucket.ByNamespace[ns];
        names.Remove(name);
        if (names.Count == 0)
        {
            bucket.ByNamespace.Remove(ns);
        }
        bucket.Count--;
        namespaceCounts[ns] = namespaceCounts[ns] - 1;
        var stored = Serialize(last, ns, name);
        Emit(bucket, new WatchEvent("DELETED", stored.ResourceVersion, key, ns, name, stored.Labels, null, stored.Json));
        return stored;
    }

    /// <summary>Registers a watcher; events emitted from now on reach it.</summary>
    public Watcher AddWatcher(string key, string? ns, int? capacity = null)
    {
        var w = new Watcher(key, ns, capacity ?? watcherCapacity);
        BucketFor(key).Watchers.Add(w);
        return w;
    }

    public void RemoveWatcher(Watcher w)
    {
        if (buckets.TryGetValue(w.StorageKey, out var b))
        {
            b.Watchers.Remove(w);
        }
        w.Close();
    }

    /// <summary>Retained events of one resource newer than <paramref name="rv"/>, oldest first.</summary>
    public IEnumerable<WatchEvent> EventsSince(string key, long rv)
    {
        for (var i = 0; i < ringCount; i++)
        {
            var e = ring[(ringStart + i) % ring.Length]!;
            if (e.ResourceVersion > rv && e.StorageKey == key)
            {
                yield return e;
            }
        }
    }

    /// <summary>Closes all watchers of a resource (used when its CRD is deleted).</summary>
    public void CloseWatchers(string key)
    {
        if (buckets.TryGetValue(key, out var b))
        {
            foreach (var w in b.Watchers) w.Close();
            b.Watchers.Clear();
        }
    }

    public void CloseAllWatchers()
    {
        foreach (var key in buckets.Keys.ToList()) CloseWatchers(key);
    }

    private StoredObject Serialize(JsonObject obj, string ns, string name)
    {
        var rv = ++CurrentResourceVersion;
        var meta = obj["metadata"]!.AsObject();
        meta["resourceVersion"] = rv.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var labels = meta["labels"] is JsonObject l
            ? l.Where(p => p.Value is not null).ToDictionary(p => p.Key, p => p.Value!.ToString(), StringComparer.Ordinal)
            : new Dictionary<string, string>(StringComparer.Ordinal);
        return new StoredObject(ns, name, rv, labels, JsonSerializer.SerializeToUtf8Bytes(obj));
    }

    private void Emit(Bucket bucket, WatchEvent e)
    {
        if (ringCount == ring.Length)
        {
            CompactedThrough = ring[ringStart]!.ResourceVersion;
            ring[ringStart] = e;
            ringStart = (ringStart + 1) % ring.Length;
        }
        else
        {
            ring[(ringStart + ringCount) % ring.Length] = e;
            ringCount++;
        }
        foreach (var w in bucket.Watchers)
        {
            w.Offer(e);
        }
    }
}
