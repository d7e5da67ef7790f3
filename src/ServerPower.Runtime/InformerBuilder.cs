using k8s;
using k8s.Models;
using Microsoft.Extensions.DependencyInjection;

namespace ServerPower.Runtime;

/// <summary>Adds indexes to a kind's shared cache.</summary>
public sealed class InformerBuilder<T>(IServiceCollection services) where T : class, IKubernetesObject<V1ObjectMeta>
{
    public IServiceCollection Services => services;

    public InformerBuilder<T> WithIndex(string name, Func<T, IEnumerable<string>> values)
    {
        services.AddStoreIndex(name, values);
        return this;
    }

    /// <summary>Each object is stored as <paramref name="transform"/> returns it (<see cref="StoreTransform{T}"/>); one per kind.</summary>
    public InformerBuilder<T> WithTransform(Func<T, T> transform)
    {
        if (services.Any(d => d.ServiceType == typeof(StoreTransform<T>)))
            throw new InvalidOperationException($"the {typeof(T).Name} cache already has a transform");
        services.AddSingleton(new StoreTransform<T>(transform));
        return this;
    }
}
