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
}
