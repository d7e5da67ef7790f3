using ServerPower.Api.Resources;

namespace ServerPower.Operator.Metrics;

/// <summary>
/// Seconds servers spent in each reported power state, by namespace and PowerProvider, for "hours saved" panels:
/// at each observation (every scrape) the time since the previous one is added to the state each server had at the
/// previous one, so the figures are as exact as the scrape interval. Servers with no reported state yet count nothing.
/// </summary>
public sealed class ServerTime(TimeProvider time)
{
    private readonly Lock gate = new();
    private Dictionary<(string Namespace, string Provider, string Power), int> previous = [];
    private DateTimeOffset? last;

    /// <summary>Observes the servers now; returns the seconds to add per (namespace, provider, power state).</summary>
    public IReadOnlyDictionary<(string Namespace, string Provider, string Power), double> Observe(IEnumerable<ServerPowerResource> servers)
    {
        var counts = servers
            .Where(s => s.Status?.PowerState is not null)
            .GroupBy(s => (s.Metadata.NamespaceProperty ?? "", s.Spec.ProviderRef.Name, s.Status!.PowerState!.Value.ToString()))
            .ToDictionary(g => g.Key, g => g.Count());
        lock (gate)
        {
            var now = time.GetUtcNow();
            var elapsed = last is { } then && now > then ? (now - then).TotalSeconds : 0;
            var added = previous.ToDictionary(p => p.Key, p => p.Value * elapsed);
            previous = counts;
            last = now;
            return added;
        }
    }
}
