namespace ServerPower.Simulation.Tests.Harness;

/// <summary>How the seed's spec.startAfter graph is drawn: none, a chain (web → mc → db), or one with a cycle.</summary>
internal enum OrderGraph { None, Chain, Cycle }

/// <summary>
/// Which of the later features a seed exercises besides the core flows: spec.startAfter among three servers (and
/// an Argo CD-style sync that declares them all Stopped or Running in name order within a second), a PowerSchedule
/// with windows the clock crosses, override annotations with expiry, readiness probes flipping, auto-stop with
/// players coming and going (and wakes), watch drops, the application's namespace deleted at the end, and an informer
/// cache that lags the API server for the lookups of other objects (spec.startAfter's graph, who declares a server id).
/// Drawn from its own random stream (<see cref="SimContext.Flows"/>): a seed with none of them runs exactly as it did
/// before they existed, so the counterexamples kept by seed still replay the run that found them.
/// </summary>
internal sealed record FlowPlan(OrderGraph Order, bool Schedules, bool Overrides, bool Probes, bool AutoStop, bool WatchDrops, bool NamespaceDeletion,
    bool CacheLag = false)
{
    public static FlowPlan None { get; } = new(OrderGraph.None, false, false, false, false, false, false);

    public bool Any => this != None;

    /// <summary>Cache lag is searched unless SIM_CACHE_LAG=0.</summary>
    public static bool CacheLagSearched => Environment.GetEnvironmentVariable("SIM_CACHE_LAG") != "0";

    /// <param name="cacheLag">Whether a seed that draws cache lag gets it (the counterexamples found before cache lag was searched replay without it).</param>
    public static FlowPlan Draw(Random flows, bool cacheLag)
    {
        if (flows.NextDouble() < 0.35) return None;
        bool On(double p) => flows.NextDouble() < p;
        var order = flows.NextDouble() switch { < 0.3 => OrderGraph.Chain, < 0.36 => OrderGraph.Cycle, _ => OrderGraph.None };
        // Drawn last, so every seed keeps the flows it had before cache lag existed.
        var plan = new FlowPlan(order, On(0.35), On(0.35), On(0.4), On(0.4), On(0.2), On(0.2));
        return On(0.4) && cacheLag ? plan with { CacheLag = true } : plan;
    }

    public override string ToString() =>
        !Any ? "none" : string.Join(" ", new[]
        {
            Order != OrderGraph.None ? $"startAfter {Order.ToString().ToLowerInvariant()}" : null, Schedules ? "schedule" : null,
            Overrides ? "overrides" : null, Probes ? "probes" : null, AutoStop ? "auto-stop" : null, WatchDrops ? "watch drops" : null,
            NamespaceDeletion ? "namespace deletion" : null, CacheLag ? "cache lag" : null,
        }.OfType<string>());
}
