using ServerPower.Api.Resources;

namespace ServerPower.Operator.Ownership;

/// <summary>The ServerPowers, in every watched namespace, that declare a server id: an index lookup, not a scan.</summary>
public interface IServerIdLookup
{
    IReadOnlyList<ServerPowerResource> Declaring(string serverId);
}
