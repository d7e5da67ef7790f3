using Prometheus;
using ServerPower.Api.Resources;
using ServerPower.Api.Vocabulary;
using ServerPower.Operator.Runtime;

namespace ServerPower.Operator.Metrics;

/// <summary>Sets serverpower_servers{power_state,ready} from the informer cache at each scrape: no API calls.</summary>
public static class ServerCensus
{
    public static void Register(ICacheReader cache) =>
        Prometheus.Metrics.DefaultRegistry.AddBeforeCollectCallback(() =>
        {
            var counts = cache.List<ServerPowerResource>()
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
