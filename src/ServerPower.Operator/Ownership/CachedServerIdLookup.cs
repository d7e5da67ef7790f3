using ServerPower.Api.Resources;
using ServerPower.Runtime;

namespace ServerPower.Operator.Ownership;

/// <summary><see cref="IServerIdLookup"/> over the informer's ServerPower cache and its <see cref="Index"/>.</summary>
public sealed class CachedServerIdLookup(ICacheReader cache) : IServerIdLookup
{
    /// <summary>Index of the ServerPower cache: each server filed under its <see cref="IdOf"/>.</summary>
    public const string Index = "serverId";

    public IReadOnlyList<ServerPowerResource> Declaring(string serverId) => cache.ByIndex<ServerPowerResource>(Index, Normalize(serverId));

    public static IEnumerable<string> IdOf(ServerPowerResource server) => [Normalize(server.Spec.ServerId)];

    /// <summary>Ids are compared without surrounding white space and case (a Wings uuid is the same in either case).</summary>
    public static string Normalize(string? serverId) => (serverId ?? "").Trim().ToLowerInvariant();
}
