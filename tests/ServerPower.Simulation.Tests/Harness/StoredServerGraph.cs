using ServerPower.Api.Resources;
using ServerPower.Operator.Ordering;

namespace ServerPower.Simulation.Tests.Harness;

/// <summary>
/// spec.startAfter's graph over the ServerPowers the simulated API server holds now (the real <see cref="ServerGraph"/>
/// reads the informer cache, whose lag is not modelled for this lookup, as for <see cref="StoredServerIds"/>).
/// </summary>
internal sealed class StoredServerGraph(SimKube kube) : IServerGraph
{
    public ServerPowerResource? Get(string ns, string name) => kube.View(new Runtime.ObjectKey(ns, name));

    public IReadOnlyList<ServerPowerResource> Dependents(string ns, string name) =>
        kube.ServerKeys.Where(k => k.Namespace == ns).Select(kube.View).OfType<ServerPowerResource>()
            .Where(s => s.Spec.StartAfter?.Contains(name) == true)
            .ToList();
}
