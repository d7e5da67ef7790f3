using k8s;
using k8s.Models;

namespace ServerPower.Operator.Runtime;

/// <summary>Turns informer events into queue keys, filtering updates through <see cref="ChangePredicate"/>.</summary>
public sealed class EnqueueHandler<T>(Action<ObjectKey> enqueue) : IResourceEventHandler<T>
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    public void OnAdd(T obj) => enqueue(ObjectKey.From(obj.Metadata));

    public void OnUpdate(T oldObj, T newObj, bool relist)
    {
        if (relist || ChangePredicate.ShouldEnqueue(oldObj.Metadata, newObj.Metadata)) enqueue(ObjectKey.From(newObj.Metadata));
    }

    public void OnDelete(T obj) => enqueue(ObjectKey.From(obj.Metadata));
}
