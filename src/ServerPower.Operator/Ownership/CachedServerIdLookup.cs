using ServerPower.Api.Resources;
using ServerPower.Runtime;

namespace ServerPower.Operator.Ownership;

/// <summary><see cref="IServerIdLookup"/> over the informer's ServerPower cache and its <see cref="Index"/>.</summary>
public sealed class CachedServerIdLookup(ICacheReader cache) : IServerIdLookup
{
    /// <summary>Index of the ServerPower cache: each server filed under its <see cref="IdOf"/>.</summary>
    public const string Index = "serverId";

    /// <summary>How long an action waits for the cache to see its own record: the watch event comes in milliseconds while the watch is up.</summary>
    public static readonly TimeSpan CatchUpWait = TimeSpan.FromSeconds(2);

    public IReadOnlyList<ServerPowerResource> Declaring(string serverId) => cache.ByIndex<ServerPowerResource>(Index, Normalize(serverId));

    public Task<bool> CatchUpAsync(string @namespace, string resourceVersion, CancellationToken cancellationToken) =>
        cache.CaughtUpAsync<ServerPowerResource>(@namespace, resourceVersion, CatchUpWait, cancellationToken);

    public static IEnumerable<string> IdOf(ServerPowerResource server) => [Normalize(server.Spec.ServerId)];

    /// <summary>Ids are compared without surrounding white space and case (a Wings uuid is the same in either case).</summary>
    public static string Normalize(string? serverId) => (serverId ?? "").Trim().ToLowerInvariant();
}
