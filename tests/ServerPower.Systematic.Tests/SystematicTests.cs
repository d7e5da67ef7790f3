using System.Globalization;

namespace ServerPower.Systematic.Tests;

/// <summary>
/// The runtime's concurrency promises under the deterministic scheduler (tests/README.md, "Systematic concurrency
/// tests over the runtime"). SYSTEMATIC_SEEDS=N runs seeds 1..N; SYSTEMATIC_SEED=n replays one seed. One line goes to
/// stdout for .ci/summary.sh.
/// </summary>
public sealed class SystematicTests(ITestOutputHelper output)
{
    private const int DefaultSeeds = 300;

    [Fact]
    public void Informer_queue_and_controller_never_reconcile_a_key_twice_at_once_nor_lose_its_last_change()
    {
        var seeds = Number("SYSTEMATIC_SEED") is { } one ? [one] : Enumerable.Range(1, Number("SYSTEMATIC_SEEDS") ?? DefaultSeeds);
        long steps = 0;
        var failures = new List<string>();
        var count = 0;
        var schedules = new HashSet<ulong>();
        foreach (var seed in seeds)
        {
            var (violations, taken, schedule) = ControllerScenario.Run(seed);
            schedules.Add(schedule);
            steps += taken;
            count++;
            failures.AddRange(violations.Select(v => $"seed {seed}: {v} (replay: SYSTEMATIC_SEED={seed})"));
        }
        var line = $"systematic: iterations={count} schedules={schedules.Count} steps={steps} violations={failures.Count}";
        Console.WriteLine(line);
        output.WriteLine(line);
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(20)));
    }

    [Fact]
    public void A_seed_replays_the_same_schedule()
    {
        var first = ControllerScenario.Run(7);
        var second = ControllerScenario.Run(7);
        Assert.Equal(first.Schedule, second.Schedule);
        Assert.Equal(first.Steps, second.Steps);
        Assert.Equal(first.Violations, second.Violations);
        Assert.NotEqual(first.Schedule, ControllerScenario.Run(8).Schedule);
    }

    private static int? Number(string name) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;
}
