using ServerPower.Runtime;

namespace ServerPower.Operator.Probing;

/// <summary>
/// "Reconcile this server again": all that the prober (and the namespace limit) need of the ServerPower controller when
/// they learn of a change outside a watch. Owned here, by the side that enqueues, so Probing names nothing of the
/// reconcilers; Hosting wires it to the controller's queue (ServerPowerQueue).
/// </summary>
public interface IServerQueue
{
    void Enqueue(ObjectKey key);
}
