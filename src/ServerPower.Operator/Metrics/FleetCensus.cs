using ServerPower.Api.Resources;
using ServerPower.Api.Vocabulary;

namespace ServerPower.Operator.Metrics;

/// <summary>Servers not in their desired state under one (namespace, Ready reason): how many, and the longest for how long.</summary>
public readonly record struct Mismatch(int Count, double LongestSeconds);

/// <summary>
/// What the fleet looks like now, counted from the cached ServerPowers for the gauges: by power state and readiness;
/// those not in their desired state (Ready not True) by namespace and Ready's reason, with the longest time since
/// one of them last was (Ready's lastTransitionTime: when it stopped being True, or was first written otherwise; the
/// object's creation while it has no Ready condition, reason <c>Unknown</c>); and the phase of each server's last
/// restart and rebuild token by namespace. Every key is bounded by namespaces and fixed vocabularies, never by servers.
/// </summary>
public sealed record FleetCensus(
    IReadOnlyDictionary<(string Power, string Ready), int> Servers,
    IReadOnlyDictionary<(string Namespace, string Reason), Mismatch> NotInDesiredState,
    IReadOnlyDictionary<(string Namespace, string Action, string Phase), int> OneShots)
{
    public static FleetCensus Take(IEnumerable<ServerPowerResource> servers, DateTimeOffset now)
    {
        var byState = new Dictionary<(string, string), int>();
        var mismatches = new Dictionary<(string, string), Mismatch>();
        var oneShots = new Dictionary<(string, string, string), int>();
        foreach (var server in servers)
        {
            var ns = server.Metadata.NamespaceProperty ?? "";
            var ready = server.Status?.Conditions?.FirstOrDefault(c => c.Type == ConditionTypes.Ready);
            var power = server.Status?.PowerState?.ToString() ?? "Unknown";
            Add(byState, (power, ready?.Status ?? ConditionStatus.Unknown));
            if (ready?.Status != ConditionStatus.True)
            {
                var since = ready?.LastTransitionTime ?? Created(server) ?? now;
                var seconds = Math.Max(0, (now - since).TotalSeconds);
                var key = (ns, ready is { Reason.Length: > 0 } ? ready.Reason : "Unknown");
                var known = mismatches.GetValueOrDefault(key);
                mismatches[key] = new Mismatch(known.Count + 1, Math.Max(known.LongestSeconds, seconds));
            }
            if (server.Status?.Restart is { } restart) Add(oneShots, (ns, "restart", restart.Phase.ToString()));
            if (server.Status?.Rebuild is { } rebuild) Add(oneShots, (ns, "rebuild", rebuild.Phase.ToString()));
        }
        return new FleetCensus(byState, mismatches, oneShots);
    }

    private static DateTimeOffset? Created(ServerPowerResource server) =>
        server.Metadata.CreationTimestamp is { } created ? new DateTimeOffset(DateTime.SpecifyKind(created, DateTimeKind.Utc)) : null;

    private static void Add<TKey>(Dictionary<TKey, int> counts, TKey key) where TKey : notnull =>
        counts[key] = counts.GetValueOrDefault(key) + 1;
}
