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
    /// Counterexamples the search found that are not fixed yet, by seed, with the promise and class they break. They
    /// still run in every search and are printed apart; any other violation (or another class at these seeds) fails.
    /// Each has a named test below, skipped with its reason until it is fixed. Remove the entry with the fix.
    /// </summary>
    private static readonly Dictionary<int, (string Invariant, string Class)> Open = new()
    {
        [229] = ("P4", "lastAction Accepted without an accepted request (written by a deposed leader)"),
    };

    [Fact(Skip = "open: an old leader that froze for minutes with a request out writes its outcome (a merge patch without a resourceVersion, by design) over what was recorded since (once onto an object deleted and created anew); the fix needs a precondition the status subresource honours")]
    public void Seed_229_an_outcome_written_by_a_thawed_old_leader() =>
        Assert.Null(new SeedRun(229, keepFullTrace: false).Run().Violation);

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
        var known = report.Results.Where(r => r.Violation is { } v && Open.TryGetValue(r.Seed, out var open) && open == (v.Invariant, v.Class)).ToList();
        foreach (var seed in known)
        {
            var line = $"simulation: open counterexample seed {seed.Seed}: {seed.Violation!.Invariant} [{seed.Violation.Class}]";
            output?.WriteLine(line);
            Console.WriteLine(line);
        }
        Assert.True(report.Violations == known.Count, report.FailureText);
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
