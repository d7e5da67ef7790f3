using ServerPower.Api.Resources;
using ServerPower.Operator.Ordering;

namespace ServerPower.Simulation.Tests.Harness;

/// <summary>
/// spec.startAfter's graph over the ServerPowers as the operator's informer cache holds them, which may lag the
/// simulated API server (<see cref="SimKube.CachedServers"/>), as the real <see cref="ServerGraph"/>'s cache may.
/// </summary>
internal sealed class StoredServerGraph(SimKube kube) : IServerGraph
{
    public ServerPowerResource? Get(string ns, string name) =>
        kube.CachedServers().FirstOrDefault(s => s.Metadata.NamespaceProperty == ns && s.Metadata.Name == name);

    public IReadOnlyList<ServerPowerResource> Dependents(string ns, string name) =>
        kube.CachedServers().Where(s => s.Metadata.NamespaceProperty == ns && s.Spec.StartAfter?.Contains(name) == true).ToList();
}
