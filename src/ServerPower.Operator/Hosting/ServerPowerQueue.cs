using Microsoft.Extensions.DependencyInjection;
using ServerPower.Operator.Probing;
using ServerPower.Runtime;

namespace ServerPower.Operator.Hosting;

/// <summary>
/// The ServerPower controller's work queue as <see cref="IServerQueue"/>: the one place that enqueues a server into it
/// by the controller's name. The manager is looked up at the first enqueue, not when this is built: building the manager
/// attaches the controllers' watches to the informers, and the namespace limit's handler (which takes this queue) must
/// be on the ServerPower informer before them, so a reconcile never runs before the limit has counted its object.
/// </summary>
public sealed class ServerPowerQueue(IServiceProvider services) : IServerQueue
{
    public void Enqueue(ObjectKey key) => services.GetRequiredService<ControllerManager>().Enqueue(OperatorHost.ServerControllerName, key);
}
