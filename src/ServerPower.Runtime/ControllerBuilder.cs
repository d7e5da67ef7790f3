using k8s;
using k8s.Models;
using Microsoft.Extensions.DependencyInjection;

namespace ServerPower.Runtime;

/// <summary>Adds to a controller what it watches besides its own kind, and indexes of its kind's cache.</summary>
public sealed class ControllerBuilder<TResource>(IServiceCollection services, ControllerRegistration<TResource> registration)
    where TResource : class, IKubernetesObject<V1ObjectMeta>
{
    public IServiceCollection Services => services;

    public string Name => registration.Name;

    /// <summary>When an object of <typeparamref name="TOther"/> is added, changes or goes, enqueues the keys it maps to.</summary>
    public ControllerBuilder<TResource> Watches<TOther>(Func<TOther, IEnumerable<ObjectKey>> map)
        where TOther : class, IKubernetesObject<V1ObjectMeta> =>
        Watches<TOther>((ICacheReader _, TOther other) => map(other));

    /// <summary>As <see cref="Watches{TOther}(Func{TOther, IEnumerable{ObjectKey}})"/>, with the cache to look objects up.</summary>
    public ControllerBuilder<TResource> Watches<TOther>(Func<ICacheReader, TOther, IEnumerable<ObjectKey>> map)
        where TOther : class, IKubernetesObject<V1ObjectMeta>
    {
        services.AddInformerUse<TOther>();
        registration.Watches.Add(new WatchRegistration<TOther>(sp =>
        {
            var cache = sp.GetRequiredService<ICacheReader>();
            return other => map(cache, other);
        }));
        return this;
    }

    /// <summary>
    /// When an object of <typeparamref name="TOther"/> is added, changes or goes, enqueues the cached objects of this
    /// controller's kind filed in <paramref name="index"/> under any of the values <paramref name="values"/> gives
    /// (e.g. a provider → the servers whose index entry names it).
    /// </summary>
    public ControllerBuilder<TResource> Watches<TOther>(string index, Func<TOther, IEnumerable<string>> values)
        where TOther : class, IKubernetesObject<V1ObjectMeta> =>
        Watches<TOther>((cache, other) => values(other)
            .SelectMany(value => cache.ByIndex<TResource>(index, value))
            .Select(obj => ObjectKey.From(obj.Metadata))
            .Distinct());

    /// <summary>Adds an index to the cache of this controller's kind (shared by every user of that kind).</summary>
    public ControllerBuilder<TResource> WithIndex(string name, Func<TResource, IEnumerable<string>> values)
    {
        services.AddStoreIndex(name, values);
        return this;
    }
}
