using ServerPower.Simulation.Tests.Harness;

namespace ServerPower.Simulation.Tests;

/// <summary>The invariants are not vacuous: each deliberately broken reconciler is caught within a few seeds.</summary>
public sealed class HarnessSelfTests
{
    [Theory]
    [InlineData("resends-one-shots", "P1", "one-shot sent twice")]
    [InlineData("marks-tokens-done", "P4", "one-shot Done without an accepted request")]
    [InlineData("kills-right-after-stop", "P3", "kill before the grace period")]
    [InlineData("requeues-at-once", "P6", "polling at the minimum interval without backoff")]
    public async Task A_deliberately_broken_reconciler_is_caught(string mutant, string invariant, string kind)
    {
        var caught = await Task.Run(() => Enumerable.Range(1, 80)
            .Select(seed => new SeedRun(seed, mutate: Mutants.Get(mutant)).Run())
            .FirstOrDefault(r => r.Violation is { } v && v.Invariant == invariant && v.Class.StartsWith(kind, StringComparison.Ordinal)),
            TestContext.Current.CancellationToken);

        Assert.True(caught is not null, $"no seed of 1..80 caught the mutant {mutant} as {invariant} {kind}");
        TestContext.Current.TestOutputHelper?.WriteLine($"{mutant}: seed {caught!.Seed}: {caught.Violation}");
    }
}
