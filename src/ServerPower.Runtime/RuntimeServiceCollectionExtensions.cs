using k8s;
using k8s.LeaderElection;
using k8s.LeaderElection.ResourceLock;
using k8s.Models;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace ServerPower.Runtime;

/// <summary>
/// Registers the runtime (controller-runtime's manager): one shared informer per kind, a cache reader over them, one
/// work queue per controller, one leader election running every controller, and a hosted service that runs it all.
/// Every service is added with TryAdd, so a test registers its own (a fake <see cref="IListWatcher{T}"/> or
/// <see cref="IListWatcherFactory"/>, an <see cref="ILock"/>, a <see cref="TimeProvider"/>) first and it is kept.
/// </summary>
public static class RuntimeServiceCollectionExtensions
{
    public static IServiceCollection AddOperatorRuntime(this IServiceCollection services, RuntimeOptions? options = null)
    {
        services.AddLogging();
        services.TryAddSingleton(options ?? new RuntimeOptions());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IRuntimeMetrics>(NullRuntimeMetrics.Instance);
        services.TryAddSingleton<ICacheReader, CacheReader>();
        services.TryAddSingleton<IListWatcherFactory>(sp => new CustomObjectListWatcherFactory(
            sp.GetRequiredService<IKubernetes>(), sp.GetRequiredService<RuntimeOptions>().LabelSelector));
        services.TryAddSingleton(CreateLeaderElection);
        services.TryAddSingleton<ControllerManager>();
        services.AddHostedService<ControllerManagerService>();
        return services;
    }

    /// <summary>A shared informer (and cache) for kind <typeparamref name="T"/>, listed and watched where <paramref name="kind"/> says.</summary>
    public static InformerBuilder<T> AddInformer<T>(this IServiceCollection services, ResourceKind kind)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        services.TryAddSingleton(new InformerRegistration<T>(kind));
        services.AddInformerUse<T>();
        return new InformerBuilder<T>(services);
    }

    /// <summary>
    /// A controller named <paramref name="name"/> (also its queue's name): <typeparamref name="TReconciler"/> (built by
    /// the container) reconciles the keys of <typeparamref name="TResource"/>, whose informer is registered with
    /// <see cref="AddInformer{T}"/>. <paramref name="options"/> null: <see cref="RuntimeOptions.Controller"/>.
    /// </summary>
    public static ControllerBuilder<TResource> AddController<TReconciler, TResource>(this IServiceCollection services,
        string name, ControllerOptions? options = null)
        where TReconciler : class, IReconciler
        where TResource : class, IKubernetesObject<V1ObjectMeta>
    {
        if (services.Any(d => d.ServiceType == typeof(ControllerRegistration)
                && d.ImplementationInstance is ControllerRegistration { Name: var existing } && existing == name))
            throw new InvalidOperationException($"a controller named '{name}' is already registered");
        services.TryAddSingleton<TReconciler>();
        services.AddInformerUse<TResource>();
        var registration = new ControllerRegistration<TResource>(name, typeof(TReconciler), options);
        services.AddSingleton<ControllerRegistration>(registration);
        return new ControllerBuilder<TResource>(services, registration);
    }

    internal static void AddStoreIndex<T>(this IServiceCollection services, string name, Func<T, IEnumerable<string>> values)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        if (services.Any(d => d.ServiceType == typeof(StoreIndex<T>) && d.ImplementationInstance is StoreIndex<T> { Name: var n } && n == name))
            throw new InvalidOperationException($"the {typeof(T).Name} cache already has an index named '{name}'");
        services.AddSingleton(new StoreIndex<T>(name, values));
    }

    /// <summary>The informer of <typeparamref name="T"/>, once however many controllers use it.</summary>
    internal static void AddInformerUse<T>(this IServiceCollection services) where T : class, IKubernetesObject<V1ObjectMeta>
    {
        if (services.Any(d => d.ServiceType == typeof(Informer<T>))) return;
        services.AddSingleton(CreateInformer<T>);
        services.AddSingleton<ISharedInformer>(sp => sp.GetRequiredService<Informer<T>>());
    }

    private static Informer<T> CreateInformer<T>(IServiceProvider sp) where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var registration = sp.GetService<InformerRegistration<T>>();
        var listWatcher = sp.GetService<IListWatcher<T>>()
            ?? (registration is null
                ? throw new InvalidOperationException($"{typeof(T).Name} is used but has no AddInformer<{typeof(T).Name}>(ResourceKind)")
                : sp.GetRequiredService<IListWatcherFactory>().Create<T>(registration.Kind));
        var informer = new Informer<T>(registration?.Kind.Kind ?? typeof(T).Name, listWatcher,
            sp.GetRequiredService<RuntimeOptions>().Informer, sp.GetRequiredService<ILogger<Informer<T>>>(),
            sp.GetRequiredService<TimeProvider>());
        foreach (var index in sp.GetServices<StoreIndex<T>>()) informer.Store.AddIndex(index.Name, index.Values);
        informer.Store.Transform = sp.GetService<StoreTransform<T>>()?.Apply;
        return informer;
    }

    private static LeaderElection CreateLeaderElection(IServiceProvider sp)
    {
        var options = sp.GetRequiredService<RuntimeOptions>().LeaderElection;
        var logger = sp.GetRequiredService<ILogger<LeaderElection>>();
        var metrics = sp.GetRequiredService<IRuntimeMetrics>();
        var time = sp.GetRequiredService<TimeProvider>();
        if (!options.Enabled) return new LeaderElection(options, null, logger, metrics, time);
        var leaseLock = sp.GetService<ILock>()
            ?? new LeaseLock(sp.GetRequiredService<IKubernetes>(), options.ResolveNamespace(), options.LeaseName, options.ResolveIdentity());
        return new LeaderElection(options, leaseLock, logger, metrics, time);
    }
}
