using k8s;
using k8s.Models;
using Microsoft.Extensions.DependencyInjection;

namespace ServerPower.Runtime;

/// <summary>One controller: its name (and queue's), the kind it reconciles, its reconciler and the kinds it watches.</summary>
public abstract class ControllerRegistration
{
    private protected ControllerRegistration(string name, Type reconcilerType, ControllerOptions? options)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
        ReconcilerType = reconcilerType;
        Options = options;
    }

    public string Name { get; }

    public Type ReconcilerType { get; }

    /// <summary>Null: the runtime's <see cref="RuntimeOptions.Controller"/>.</summary>
    public ControllerOptions? Options { get; }

    public abstract Type ResourceType { get; }

    internal List<WatchRegistration> Watches { get; } = [];

    /// <summary>Connects the queue to the controller's own informer and to the informers of what it watches.</summary>
    internal abstract void Attach(IServiceProvider services, WorkQueue queue);

    /// <summary>Every key in the controller's own cache (start of a term and resync).</summary>
    internal abstract Func<IEnumerable<ObjectKey>> KnownKeys(IServiceProvider services);

    internal IReconciler Reconciler(IServiceProvider services) => (IReconciler)services.GetRequiredService(ReconcilerType);
}

public sealed class ControllerRegistration<TResource>(string name, Type reconcilerType, ControllerOptions? options)
    : ControllerRegistration(name, reconcilerType, options)
    where TResource : class, IKubernetesObject<V1ObjectMeta>
{
    public override Type ResourceType => typeof(TResource);

    internal override void Attach(IServiceProvider services, WorkQueue queue)
    {
        RuntimeRegistrations.Informer<TResource>(services).AddHandler(new EnqueueHandler<TResource>(queue.Add, queue.AddBackground));
        foreach (var watch in Watches) watch.Attach(services, queue);
    }

    internal override Func<IEnumerable<ObjectKey>> KnownKeys(IServiceProvider services) =>
        RuntimeRegistrations.Informer<TResource>(services).Store.Keys;
}
