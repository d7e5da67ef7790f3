using System.Diagnostics;
using ServerPower.Reliability.Tests.Infrastructure;
using ServerPower.Sandbox.Providers.Core;

namespace ServerPower.Reliability.Tests.Rows;

/// <summary>The operator's own process dying, two replicas changing leader, and a namespace going away.</summary>
public static class ProcessRows
{
    private const string Rebuild = "  rebuild: {osId: ubuntu-22.04}";

    /// <summary>
    /// Rounds of one-shots (restart or rebuild, chosen by the seed) on every server; each round the operator is
    /// SIGKILLed at a seeded point 0-1.5 s after the tokens are set and started again. Actions answer after 300 ms,
    /// so some kills land while a destructive request is in flight.
    /// </summary>
    public static async Task<FaultRow> KillStreamAsync(Suite suite, int seed, int rounds)
    {
        var fault = $"operator SIGKILL at seeded points (seed {seed}) of {rounds} rounds of restarts and rebuilds";
        var world = await suite.WorldAsync("sigkill");
        try
        {
            var simulator = await world.SimulatorAsync();
            var fleet = await Fleet.CreateAsync(world, simulator, Change.Servers, Rebuild);
            var current = world.StartOperator();
            await Eventually.WaitAsync(fleet.Converged, "sigkill: the fleet to be Ready");
            var since = DateTimeOffset.UtcNow;
            var clock = Stopwatch.StartNew();
            simulator.Faults.AddFor(new FaultRule { Delay = TimeSpan.FromMilliseconds(300), Method = "POST" }, TimeSpan.FromHours(1));
            var random = new Random(seed);
            var problems = new List<string>();
            var slowest = TimeSpan.Zero;
            for (var round = 1; round <= rounds; round++)
            {
                var kind = random.Next(2) == 0 ? "restart" : "rebuild";
                for (var i = 0; i < fleet.Members.Count; i++) await fleet.OneShotAsync(i, kind, $"{kind}-{round}");
                await Task.Delay(random.Next(0, 1500)); // the seeded kill point
                await world.KillAsync(current);
                var killed = Stopwatch.StartNew();
                current = world.StartOperator();
                await current.ReadyAsync();
                var ready = killed.Elapsed;
                await Eventually.TryAsync(fleet.TokensSettled);
                var settled = killed.Elapsed;
                if (!await Eventually.TryAsync(fleet.Converged))
                {
                    problems.Add($"{fault}: round {round} did not settle: {fleet.Describe()}");
                    break;
                }
                TestContext.Current.TestOutputHelper?.WriteLine(
                    $"sigkill round {round} ({kind}): operator ready {FaultRow.Seconds(ready)}, tokens settled {FaultRow.Seconds(settled)}, converged {FaultRow.Seconds(killed.Elapsed)} after the kill");
                if (killed.Elapsed > slowest) slowest = killed.Elapsed;
            }
            var row = await Change.MeasureAsync(fault, fleet, since, clock, clock.Elapsed);
            row.Problems.InsertRange(0, problems);
            return row with { Recovery = problems.Count > 0 ? "not recovered" : $"{FaultRow.Seconds(slowest)} (slowest round, kill to settled, restart included)" };
        }
        finally
        {
            await suite.FinishAsync(world);
        }
    }

    /// <summary>Two replicas with leader election on; one-shots are set and the leader is SIGKILLed at a seeded point.</summary>
    public static async Task<FaultRow> LeaderChangeAsync(Suite suite, int seed)
    {
        const string fault = "two replicas, leader election on, leader SIGKILLed in the middle of one-shots";
        var world = await suite.WorldAsync("leader");
        try
        {
            var simulator = await world.SimulatorAsync();
            var fleet = await Fleet.CreateAsync(world, simulator, Change.Servers, Rebuild);
            var replicas = new[] { world.StartOperator(leaderElection: true), world.StartOperator(leaderElection: true) };
            await Eventually.WaitAsync(fleet.Converged, "leader: the fleet to be Ready");
            var holder = Holder(world);
            var leader = replicas.Single(r => r.Identity == holder);
            var since = DateTimeOffset.UtcNow;
            var clock = Stopwatch.StartNew();
            simulator.Faults.AddFor(new FaultRule { Delay = TimeSpan.FromSeconds(1), Method = "POST" }, TimeSpan.FromHours(1));
            for (var i = 0; i < fleet.Members.Count; i++) await fleet.OneShotAsync(i, i % 2 == 0 ? "restart" : "rebuild", "lc-1");
            // The kill point: a seeded moment after the first one-shot request reached the provider (each answers after 1 s).
            var inFlight = await Eventually.TryAsync(() => fleet.Sent(since) > 0);
            await Task.Delay(new Random(seed).Next(0, 500));
            await world.KillAsync(leader);
            var killed = clock.Elapsed;
            var moved = await Eventually.TryAsync(() => Holder(world) is { } next && next != holder);
            var row = await Change.MeasureAsync(fault, fleet, since, clock, killed);
            if (!inFlight) row.Problems.Add($"{fault}: no one-shot reached the provider before the kill");
            if (!moved) row.Problems.Add($"{fault}: the lease never moved to the other replica");
            return row with { Recovery = $"{row.Recovery} (lease 15 s)" };
        }
        finally
        {
            await suite.FinishAsync(world);
        }
    }

    /// <summary>The namespace of four Running servers with deletionPolicy Stop is deleted: every server must be stopped.</summary>
    public static async Task<FaultRow> NamespaceDeletedAsync(Suite suite)
    {
        const string fault = "namespace deleted with deletionPolicy: Stop servers in it";
        var world = await suite.TenantAsync("nsdelete");
        try
        {
            var simulator = await world.SimulatorAsync();
            var fleet = await Fleet.CreateAsync(world, simulator, Change.Servers, "  deletionPolicy: Stop");
            await Eventually.WaitAsync(fleet.Converged, "nsdelete: the fleet to be Ready");
            var since = DateTimeOffset.UtcNow;
            var clock = Stopwatch.StartNew();
            await world.DeleteNamespaceAsync();
            var gone = await Eventually.TryAsync(() => world.Emulator.GetObject("", "namespaces", null, world.Ns) is null);
            var stopped = fleet.Members.Count(m => simulator.Servers.StateOf(m.Id) is SimPowerState.Offline or SimPowerState.Stopping);
            var row = new FaultRow(fault, fleet.Members.Count, fleet.Members.Count, fleet.Sent(since), fleet.Duplicates(),
                fleet.Members.Count - stopped, gone ? FaultRow.Seconds(clock.Elapsed) + " (namespace gone)" : "namespace not gone");
            if (!gone) row.Problems.Add($"{fault}: the namespace was never removed");
            if (row.Lost > 0) row.Problems.Add($"{fault}: {row.Lost} server(s) not stopped");
            return row;
        }
        finally
        {
            await suite.FinishAsync(world);
        }
    }

    private static string? Holder(World world) =>
        world.Emulator.GetObject("coordination.k8s.io", "leases", World.LeaseNamespace, $"serverpower-{world.Ns}")?["spec"]?["holderIdentity"]?.ToString();

}
