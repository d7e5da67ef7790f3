using k8s.Models;
using ServerPower.Runtime;

namespace ServerPower.Systematic.Tests;

/// <summary>
/// An in-memory API server for ConfigMaps (<see cref="ScriptedLog{T}"/>) whose objects are only metadata: a person
/// creates and edits them (a new generation), deletes them, and status writes move only their resourceVersion.
/// </summary>
internal sealed class ScriptedApi(DeterministicScheduler scheduler) : ScriptedLog<V1ConfigMap>(scheduler, Copy)
{
    /// <summary>Creates or changes the object's spec (a new generation), as a person's edit does.</summary>
    public void Put(ObjectKey key)
    {
        lock (Gate)
        {
            var generation = Stored.TryGetValue(key, out var old) ? old.Metadata.Generation + 1 : 1;
            Record(old is null ? WatchEventKind.Added : WatchEventKind.Modified, Object(key, generation));
        }
    }

    /// <summary>Changes only the resourceVersion (a status write): no reconcile is owed for it.</summary>
    public void Touch(ObjectKey key)
    {
        lock (Gate)
        {
            if (Stored.TryGetValue(key, out var old)) Record(WatchEventKind.Modified, Object(key, old.Metadata.Generation ?? 1));
        }
    }

    public void Delete(ObjectKey key)
    {
        lock (Gate)
        {
            if (Stored.TryGetValue(key, out var old)) Record(WatchEventKind.Deleted, Object(key, old.Metadata.Generation ?? 1));
        }
    }

    private static V1ConfigMap Object(ObjectKey key, long? generation) => new()
    {
        Metadata = new V1ObjectMeta { NamespaceProperty = key.Namespace, Name = key.Name, Generation = generation },
    };

    /// <summary>The informer's store trims what it keeps: it gets its own copy, as it would from JSON.</summary>
    private static V1ConfigMap Copy(V1ConfigMap obj) => new()
    {
        Metadata = new V1ObjectMeta
        {
            NamespaceProperty = obj.Metadata.NamespaceProperty,
            Name = obj.Metadata.Name,
            Generation = obj.Metadata.Generation,
            ResourceVersion = obj.Metadata.ResourceVersion,
        },
    };
}
