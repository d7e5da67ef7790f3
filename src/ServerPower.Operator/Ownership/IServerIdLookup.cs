using ServerPower.Api.Resources;

namespace ServerPower.Operator.Ownership;

/// <summary>The ServerPowers, in every watched namespace, that declare a server id: an index lookup, not a scan.</summary>
public interface IServerIdLookup
{
    IReadOnlyList<ServerPowerResource> Declaring(string serverId);

    /// <summary>
    /// Waits until the lookup has seen every ServerPower change in <paramref name="namespace"/> up to
    /// <paramref name="resourceVersion"/>; false if it could not within its wait (the watch is down).
    /// </summary>
    Task<bool> CatchUpAsync(string @namespace, string resourceVersion, CancellationToken cancellationToken);
}
