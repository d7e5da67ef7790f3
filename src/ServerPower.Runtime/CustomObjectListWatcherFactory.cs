using k8s;
using k8s.Models;

namespace ServerPower.Runtime;

/// <summary>Custom-object list+watch on the API server, filtered by the runtime's label selector.</summary>
public sealed class CustomObjectListWatcherFactory(IKubernetes client, string? labelSelector) : IListWatcherFactory
{
    public IListWatcher<T> Create<T>(ResourceKind kind) where T : class, IKubernetesObject<V1ObjectMeta> =>
        new CustomObjectListWatcher<T>(client, kind.Group, kind.Version, kind.Plural, labelSelector);
}
