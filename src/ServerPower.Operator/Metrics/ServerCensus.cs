using Prometheus;
using ServerPower.Api.Resources;
using ServerPower.Api.Vocabulary;
using ServerPower.Operator.Runtime;

namespace ServerPower.Operator.Metrics;

/// <summary>
/// Sets serverpower_servers{power_state,ready} and adds to serverpower_server_seconds_total from the informer cache at
/// each scrape: no API calls.
/// </summary>
public static class ServerCensus
{
    public static void Register(ICacheReader cache, TimeProvider time)
    {
        var serverTime = new ServerTime(time);
        Prometheus.Metrics.DefaultRegistry.AddBeforeCollectCallback(() =>
        {
            var servers = cache.List<ServerPowerResource>();
            foreach (var ((ns, provider, power), seconds) in serverTime.Observe(servers))
                if (seconds > 0) OperatorMetrics.ServerSeconds.WithLabels(ns, provider, power).Inc(seconds);
            var counts = servers
                .GroupBy(s => (Power: s.Status?.PowerState?.ToString() ?? "Unknown",
                    Ready: s.Status?.Conditions?.FirstOrDefault(c => c.Type == ConditionTypes.Ready)?.Status ?? ConditionStatus.Unknown))
                .ToDictionary(g => g.Key, g => g.Count());
            foreach (var labels in OperatorMetrics.Servers.GetAllLabelValues().ToList())
            {
                if (!counts.ContainsKey((labels[0], labels[1]))) OperatorMetrics.Servers.WithLabels(labels).Set(0);
            }
            foreach (var ((power, ready), count) in counts) OperatorMetrics.Servers.WithLabels(power, ready).Set(count);
        });
    }
}
