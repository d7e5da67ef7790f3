using k8s.Models;

namespace ServerPower.Runtime;

/// <summary>
/// Which updates are worth a reconcile. Our own status writes change only status and resourceVersion, so they are
/// ignored. Enqueued: a new generation (spec), any annotation change (one-shot tokens), any label change (selectors),
/// deletionTimestamp and finalizer changes. Adds, deletes, relists and resyncs always enqueue.
/// </summary>
public static class ChangePredicate
{
    public static bool ShouldEnqueue(V1ObjectMeta? oldMeta, V1ObjectMeta? newMeta)
    {
        if (oldMeta is null || newMeta is null) return true;
        return oldMeta.Generation != newMeta.Generation
            || oldMeta.DeletionTimestamp != newMeta.DeletionTimestamp
            || !SameMap(oldMeta.Annotations, newMeta.Annotations)
            || !SameMap(oldMeta.Labels, newMeta.Labels)
            || !SameList(oldMeta.Finalizers, newMeta.Finalizers);
    }

    private static bool SameMap(IDictionary<string, string>? a, IDictionary<string, string>? b)
    {
        if ((a?.Count ?? 0) != (b?.Count ?? 0)) return false;
        if (a is null || b is null) return true;
        return a.All(pair => b.TryGetValue(pair.Key, out var value) && value == pair.Value);
    }

    private static bool SameList(IList<string>? a, IList<string>? b) =>
        (a ?? []).SequenceEqual(b ?? []);
}
