using k8s;
using k8s.Models;

namespace ServerPower.Runtime;

/// <summary>A kind a controller watches besides its own, and how one of its objects maps to the controller's keys.</summary>
public abstract class WatchRegistration
{
    /// <summary>Adds the handler to the watched kind's shared informer; it enqueues into <paramref name="queue"/>.</summary>
    internal abstract void Attach(IServiceProvider services, WorkQueue queue);
}

public sealed class WatchRegistration<TOther>(Func<IServiceProvider, Func<TOther, IEnumerable<ObjectKey>>> mapper) : WatchRegistration
    where TOther : class, IKubernetesObject<V1ObjectMeta>
{
    internal override void Attach(IServiceProvider services, WorkQueue queue) =>
        RuntimeRegistrations.Informer<TOther>(services)
            .AddHandler(new MappedEnqueueHandler<TOther>(mapper(services), queue.Add, queue.AddBackground));
}
