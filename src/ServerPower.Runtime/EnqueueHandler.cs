using k8s;
using k8s.Models;

namespace ServerPower.Runtime;

/// <summary>
/// Turns informer events into queue keys, filtering updates through <see cref="ChangePredicate"/>. What a person
/// caused (a watch event: create, spec, annotation, label or deletion change) is enqueued ahead of (re)list work,
/// which goes to the background like a resync.
/// </summary>
public sealed class EnqueueHandler<T>(Action<ObjectKey> enqueue, Action<ObjectKey>? enqueueBackground = null) : IResourceEventHandler<T>
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    private readonly Action<ObjectKey> background = enqueueBackground ?? enqueue;

    public void OnAdd(T obj, bool relist) => (relist ? background : enqueue)(ObjectKey.From(obj.Metadata));

    public void OnUpdate(T oldObj, T newObj, bool relist)
    {
        if (relist) background(ObjectKey.From(newObj.Metadata));
        else if (ChangePredicate.ShouldEnqueue(oldObj.Metadata, newObj.Metadata)) enqueue(ObjectKey.From(newObj.Metadata));
    }

    public void OnDelete(T obj) => enqueue(ObjectKey.From(obj.Metadata));
}
