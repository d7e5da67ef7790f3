namespace ServerPower.Systematic.Tests;

/// <summary>
/// One scenario run on one seed: what it violated (empty: nothing), its steps, its schedule, the overlaps, and the
/// actions and status writes of a replica after a later one had made its own (an old leader's, after the handover).
/// </summary>
internal sealed record SystematicRun(int Seed, IReadOnlyList<string> Violations, long Steps, ulong Schedule, int Overlaps, int LateSends, int LateWrites, int Terms)
{
    /// <summary>Hangs and busy loops end a run before it ends itself; far above what a run needs (a few thousand).</summary>
    public const long MaxSteps = 500_000;

    public static SystematicRun Of(int seed, Func<DeterministicScheduler, List<string>, SharedLedger, Task> scenario)
    {
        var scheduler = new DeterministicScheduler(seed);
        var violations = new List<string>();
        var shared = new SharedLedger();
        try
        {
            scheduler.Run(() => scenario(scheduler, violations, shared), MaxSteps);
        }
        catch (InvalidOperationException e)
        {
            violations.Add(e.Message);
        }
        violations.AddRange(scheduler.Escapes.Distinct().Select(e => $"escaped the scheduler: {e}"));
        return new SystematicRun(seed, violations, scheduler.Steps, scheduler.Schedule, shared.Overlaps, shared.LateSends, shared.LateWrites, shared.Terms);
    }
}
