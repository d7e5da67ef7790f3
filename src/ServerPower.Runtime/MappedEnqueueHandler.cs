using k8s;
using k8s.Models;

namespace ServerPower.Runtime;

/// <summary>
/// Enqueues, in another controller's queue, the keys an object of a watched kind maps to: on every add, update
/// (status included: the other controller reacts to what the object reports; the old object's keys too) and delete. What a watch event brings
/// goes ahead; what a (re)list brings goes to the background, like a resync.
/// </summary>
public sealed class MappedEnqueueHandler<T>(Func<T, IEnumerable<ObjectKey>> map, Action<ObjectKey> enqueue,
    Action<ObjectKey> enqueueBackground) : IResourceEventHandler<T>
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    public void OnAdd(T obj, bool relist) => Enqueue(obj, relist ? enqueueBackground : enqueue);

    /// <summary>The keys the old object mapped to as well: an object that moved away (a changed reference) concerns both.</summary>
    public void OnUpdate(T oldObj, T newObj, bool relist)
    {
        var add = relist ? enqueueBackground : enqueue;
        foreach (var key in map(newObj).Union(map(oldObj))) add(key);
    }

    public void OnDelete(T obj) => Enqueue(obj, enqueue);

    private void Enqueue(T obj, Action<ObjectKey> add)
    {
        foreach (var key in map(obj)) add(key);
    }
}
