using System.Diagnostics;
using ServerPower.Reliability.Tests.Infrastructure;

namespace ServerPower.Reliability.Tests.Rows;

/// <summary>
/// The common shape of a row: a warm fleet (every server Running and Ready), then a fault and, at once, a change
/// of declarations (even servers declared Stopped, odd servers a restart token); the row ends when every server is
/// back in its declared state with its token settled, or at the liveness deadline.
/// </summary>
public static class Change
{
    public const int Servers = 4;

    /// <summary>A fleet in a tenant of the shared world, or with <paramref name="ownWorld"/> in a world (and operator) of its own.</summary>
    public static async Task<(World World, Fleet Fleet)> WarmAsync(Suite suite, string ns, bool ownWorld = false,
        Action<ServerPower.Sandbox.Kubernetes.KubeApiEmulatorOptions>? configure = null)
    {
        var world = ownWorld ? await suite.WorldAsync(ns, configure) : await suite.TenantAsync(ns);
        var simulator = await world.SimulatorAsync();
        var fleet = await Fleet.CreateAsync(world, simulator, Servers);
        if (ownWorld) world.StartOperator();
        await Eventually.WaitAsync(fleet.Converged, $"{ns}: the fleet to be Ready before the fault");
        return (world, fleet);
    }

    /// <summary>Even servers declared Stopped, odd servers get restart token <paramref name="token"/>.</summary>
    public static async Task DeclareAsync(Fleet fleet, string token = "t1")
    {
        for (var i = 0; i < fleet.Members.Count; i++)
        {
            if (i % 2 == 0) await fleet.DeclareAsync(i, "Stopped");
            else await fleet.OneShotAsync(i, "restart", token);
        }
    }

    /// <summary>Waits for convergence and makes the row; <paramref name="faultEnds"/> is where "time to recover" starts.</summary>
    public static async Task<FaultRow> MeasureAsync(string fault, Fleet fleet, DateTimeOffset since, Stopwatch clock, TimeSpan faultEnds, TimeSpan? deadline = null)
    {
        var recovered = await Eventually.TryAsync(fleet.Converged, deadline);
        var recovery = recovered ? FaultRow.Seconds(clock.Elapsed - faultEnds) : "not recovered";
        var row = new FaultRow(fault, fleet.Members.Count, fleet.Expected, fleet.Sent(since), fleet.Duplicates(), fleet.Lost(), recovery);
        if (row.Duplicates > 0) row.Problems.Add($"{fault}: {row.Duplicates} duplicated destructive action(s)");
        if (row.Lost > 0) row.Problems.Add($"{fault}: {row.Lost} declared state(s) lost: {fleet.Describe()}");
        return row;
    }
}
