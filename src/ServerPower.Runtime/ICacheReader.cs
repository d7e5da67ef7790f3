using k8s;
using k8s.Models;

namespace ServerPower.Runtime;

/// <summary>
/// Reads objects from the informers' caches (no API call). Every kind read must have an informer
/// (<c>AddInformer</c>). Cached objects are shared: callers must not modify them. A cached object may lag behind the
/// API server, so a write decided from it should be checked against its resourceVersion.
/// </summary>
public interface ICacheReader
{
    T? Get<T>(ObjectKey key) where T : class, IKubernetesObject<V1ObjectMeta>;

    IReadOnlyList<T> List<T>() where T : class, IKubernetesObject<V1ObjectMeta>;

    /// <summary>The cached objects filed under <paramref name="value"/> in the named index of their store.</summary>
    IReadOnlyList<T> ByIndex<T>(string index, string value) where T : class, IKubernetesObject<V1ObjectMeta>;

    /// <summary>
    /// Waits (at most <paramref name="timeout"/>) until the kind's cache for <paramref name="namespace"/> has seen every
    /// change up to <paramref name="resourceVersion"/>; false if it has not (<see cref="Informer{T}.CaughtUpAsync"/>).
    /// </summary>
    Task<bool> CaughtUpAsync<T>(string @namespace, string resourceVersion, TimeSpan timeout, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>;

    /// <summary>Whether the kind's cache has been listed once.</summary>
    bool HasSynced<T>() where T : class, IKubernetesObject<V1ObjectMeta>;
}
