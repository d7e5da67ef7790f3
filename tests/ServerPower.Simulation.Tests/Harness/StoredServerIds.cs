using ServerPower.Api.Resources;
using ServerPower.Operator.Ownership;

namespace ServerPower.Simulation.Tests.Harness;

/// <summary>The ServerPowers that declare a server id, as the operator's informer cache holds them (it may lag: <see cref="SimKube.CachedServers"/>).</summary>
internal sealed class StoredServerIds(SimKube kube) : IServerIdLookup
{
    public IReadOnlyList<ServerPowerResource> Declaring(string serverId) =>
        kube.CachedServers()
            .Where(s => CachedServerIdLookup.Normalize(s.Spec.ServerId) == CachedServerIdLookup.Normalize(serverId))
            .ToList();

    public Task<bool> CatchUpAsync(string @namespace, string resourceVersion, CancellationToken cancellationToken) =>
        Task.FromResult(kube.CatchUp(resourceVersion));
}
