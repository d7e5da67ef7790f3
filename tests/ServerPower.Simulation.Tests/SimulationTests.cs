using ServerPower.Simulation.Tests.Harness;

namespace ServerPower.Simulation.Tests;

/// <summary>
/// Seeded, deterministic simulations of the real ServerPowerReconciler (real ProviderResolver, real decision)
/// against in-memory edges with injected faults, checking the operator's promises after every step.
/// SIM_SEEDS=N runs seeds 1..N (SIM_FIRST_SEED moves the start), SIM_SEED=n replays one seed with its whole trace
/// (SIM_TRACE_FILE=path writes it to a file), SIM_VERBOSE=1 prints one line per seed.
/// </summary>
public sealed class SimulationTests
{
    /// <summary>
    /// Counterexamples the search found, kept as named regressions (each failed before its fix):
    /// seed 229, an old leader that thawed after minutes with a request out wrote its outcome field by field over a
    /// newer lastAction (another token), making a record of an action nobody sent (lastAction is now written whole);
    /// seed 282, that same late write left an effect already seen unsettled (an Uncertain action now settles, and the
    /// whole write keeps a settledTime it did not remove). These two replay without the later features, as found.
    /// With spec.startAfter (db ← mc ← web): seed 401, after an account's 429 left every status Unknown, db was
    /// stopped together with mc, which lists it and was declared Stopped too; seed 960, at the operator's first start
    /// db was stopped while mc, not yet reconciled, was declared Running (a dependent whose power state is not known
    /// now holds a stop for the stop-order window); seed 1506, db stopped while mc, declared Stopped in the same sync,
    /// was still starting (a dependent Starting or Busy now counts as still running). Seed 1290, after its PowerProvider
    /// went, mc (its serverId changed to db's server, deleted with deletionPolicy Stop) stopped that server with the
    /// held credentials although db, older, declared it: ownership did not see db's account once its PowerProvider was
    /// gone (it now uses the account held for it). Seed 288, while starts were sent before being recorded, a paused old
    /// leader started a server auto-stopped meanwhile (every action is recorded first, checked against resourceVersion).
    /// Seed 480, once P3 measured the grace period from the moment the provider took the stop (not from the whole
    /// second status records): a kill came 19.6 s after a stop with a 20 s grace period, recorded at +27:18.000 but
    /// taken at +27:18.594 (the grace period now counts from the end of the recorded second). Seed 1735, db stopped
    /// while mc, which lists it, was still stopping: mc's stop was accepted, then its read failed, and an accepted stop
    /// with the state unknown counted as taken (it now counts once seen to take effect, or at a state-blind provider).
    /// These replay without cache lag, as found. With it: seed 1331, web stopped server 1002 while mc, older, had just been
    /// edited to declare it and the cache still showed mc's old server id (ownership is now checked again on a cache
    /// brought up to the action's own record before anything is sent).
    /// </summary>
    [Theory]
    [InlineData(229, false)]
    [InlineData(282, false)]
    [InlineData(401, true)]
    [InlineData(960, true)]
    [InlineData(1506, true)]
    [InlineData(1290, true)]
    [InlineData(288, true)]
    [InlineData(480, true)]
    [InlineData(1735, true)]
    [InlineData(1331, true, true)]
    public void A_counterexample_found_by_the_search_stays_fixed(int seed, bool laterFeatures, bool cacheLag = false) =>
        Assert.Null(new SeedRun(seed, keepFullTrace: false, flows: laterFeatures ? null : FlowPlan.None, cacheLag: cacheLag).Run().Violation);

    [Fact]
    public async Task The_reconciler_keeps_its_promises_in_every_simulated_seed()
    {
        var options = SimulationOptions.FromEnvironment();
        // Off the test framework's synchronization context: the simulation resumes its reconciles inline.
        var report = await Task.Run(() => SimulationRunner.Run(options), TestContext.Current.CancellationToken);

        var output = TestContext.Current.TestOutputHelper;
        if (options.Replay)
        {
            var seed = report.Results[0];
            var trace = new[] { $"setup: {seed.Setup}" }.Concat(seed.Trace).Append($"violation: {seed.Violation?.ToString() ?? "none"}").ToList();
            if (Environment.GetEnvironmentVariable("SIM_TRACE_FILE") is { Length: > 0 } file) await File.WriteAllLinesAsync(file, trace, TestContext.Current.CancellationToken);
            else foreach (var line in trace) output?.WriteLine(line);
        }
        if (Environment.GetEnvironmentVariable("SIM_VERBOSE") == "1")
            foreach (var seed in report.Results)
                output?.WriteLine($"seed {seed.Seed}: steps {seed.Stats.Steps} reconciles {seed.Stats.Reconciles} provider requests {seed.Stats.ProviderRequests}: {seed.Violation?.ToString() ?? "ok"}");
        output?.WriteLine(report.SummaryLine);
        Console.WriteLine(report.SummaryLine);
        Assert.True(report.Violations == 0, report.FailureText);
    }

    [Fact]
    public async Task A_seed_replays_exactly()
    {
        var first = await Task.Run(() => new SeedRun(11, keepFullTrace: true).Run(), TestContext.Current.CancellationToken);
        var second = await Task.Run(() => new SeedRun(11, keepFullTrace: true).Run(), TestContext.Current.CancellationToken);

        Assert.True(first.Trace.Count > 100);
        Assert.Equal(first.Trace, second.Trace);
        Assert.Equal(first.Violation, second.Violation);
    }
}
