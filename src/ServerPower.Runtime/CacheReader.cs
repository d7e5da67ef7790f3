using k8s;
using k8s.Models;
using Microsoft.Extensions.DependencyInjection;

namespace ServerPower.Runtime;

/// <summary><see cref="ICacheReader"/> over the informers registered in the service provider.</summary>
public sealed class CacheReader(IServiceProvider services) : ICacheReader
{
    public T? Get<T>(ObjectKey key) where T : class, IKubernetesObject<V1ObjectMeta> => Informer<T>().Store.Get(key);

    public IReadOnlyList<T> List<T>() where T : class, IKubernetesObject<V1ObjectMeta> => Informer<T>().Store.List();

    public IReadOnlyList<T> ByIndex<T>(string index, string value) where T : class, IKubernetesObject<V1ObjectMeta> =>
        Informer<T>().Store.ByIndex(index, value);

    public Task<bool> CaughtUpAsync<T>(string @namespace, string resourceVersion, TimeSpan timeout, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta> =>
        Informer<T>().CaughtUpAsync(@namespace, resourceVersion, timeout, cancellationToken);

    public bool HasSynced<T>() where T : class, IKubernetesObject<V1ObjectMeta> => Informer<T>().HasSynced;

    private Informer<T> Informer<T>() where T : class, IKubernetesObject<V1ObjectMeta> => RuntimeRegistrations.Informer<T>(services);
}
