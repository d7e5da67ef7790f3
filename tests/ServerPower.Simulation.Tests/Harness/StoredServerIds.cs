using ServerPower.Api.Resources;
using ServerPower.Operator.Ownership;

namespace ServerPower.Simulation.Tests.Harness;

/// <summary>The ServerPowers the simulated API server holds now that declare a server id.</summary>
internal sealed class StoredServerIds(SimKube kube) : IServerIdLookup
{
    public IReadOnlyList<ServerPowerResource> Declaring(string serverId) =>
        kube.ServerKeys.Select(kube.Server).OfType<ServerPowerResource>()
            .Where(s => CachedServerIdLookup.Normalize(s.Spec.ServerId) == CachedServerIdLookup.Normalize(serverId))
            .ToList();
}
