using k8s;
using k8s.Models;

namespace ServerPower.Runtime;

/// <summary>
/// Makes the list+watch of a kind for its informer. The default lists and watches custom objects on the API server
/// (<see cref="CustomObjectListWatcherFactory"/>); a test registers its own factory, or an <see cref="IListWatcher{T}"/>
/// for one kind, which wins over the factory.
/// </summary>
public interface IListWatcherFactory
{
    IListWatcher<T> Create<T>(ResourceKind kind) where T : class, IKubernetesObject<V1ObjectMeta>;
}
