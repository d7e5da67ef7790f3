using k8s;
using k8s.Models;
using Microsoft.Extensions.DependencyInjection;

namespace ServerPower.Runtime;

internal static class RuntimeRegistrations
{
    /// <summary>The shared informer of a kind; a clear error when nothing registered it.</summary>
    public static Informer<T> Informer<T>(IServiceProvider services) where T : class, IKubernetesObject<V1ObjectMeta> =>
        services.GetService<Informer<T>>()
        ?? throw new InvalidOperationException($"no informer for {typeof(T).Name}: register it with AddInformer<{typeof(T).Name}>(ResourceKind)");
}
