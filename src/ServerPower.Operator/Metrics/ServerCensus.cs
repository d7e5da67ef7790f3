using Prometheus;
using ServerPower.Api.Resources;
using ServerPower.Runtime;

namespace ServerPower.Operator.Metrics;

/// <summary>
/// Sets the fleet gauges (<see cref="FleetCensus"/>: serverpower_servers, …_not_in_desired_state, …_max_seconds,
/// serverpower_one_shots) and adds to serverpower_server_seconds_total from the informer cache at each scrape: no API
/// calls. A label set no server has any more reads 0 in serverpower_servers and is removed from the namespaced gauges.
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
            Apply(FleetCensus.Take(servers, time.GetUtcNow()));
        });
    }

    private static void Apply(FleetCensus census)
    {
        foreach (var labels in OperatorMetrics.Servers.GetAllLabelValues().ToList())
            if (!census.Servers.ContainsKey((labels[0], labels[1]))) OperatorMetrics.Servers.WithLabels(labels).Set(0);
        foreach (var ((power, ready), count) in census.Servers) OperatorMetrics.Servers.WithLabels(power, ready).Set(count);

        Set(OperatorMetrics.NotInDesiredState, census.NotInDesiredState.Select(m => (Labels(m.Key.Namespace, m.Key.Reason), (double)m.Value.Count)));
        Set(OperatorMetrics.NotInDesiredStateSeconds, census.NotInDesiredState.Select(m => (Labels(m.Key.Namespace, m.Key.Reason), m.Value.LongestSeconds)));
        Set(OperatorMetrics.OneShots, census.OneShots.Select(o => (Labels(o.Key.Namespace, o.Key.Action, o.Key.Phase), (double)o.Value)));
    }

    private static string[] Labels(params string[] values) => values;

    /// <summary>Sets each label set's value and removes the label sets not among <paramref name="values"/>.</summary>
    private static void Set(Gauge gauge, IEnumerable<(string[] Labels, double Value)> values)
    {
        var now = values.ToList();
        var keep = now.Select(v => string.Join('\n', v.Labels)).ToHashSet(StringComparer.Ordinal);
        foreach (var labels in gauge.GetAllLabelValues().ToList())
            if (!keep.Contains(string.Join('\n', labels))) gauge.RemoveLabelled(labels);
        foreach (var (labels, value) in now) gauge.WithLabels(labels).Set(value);
    }
}
