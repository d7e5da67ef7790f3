using System.Text;

namespace ServerPower.Simulation.Tests.Harness;

/// <summary>Runs the seeds one after the other and sums them up: one summary line, and a failure text naming the first violating seed.</summary>
internal static class SimulationRunner
{
    public const int TraceLines = 30;

    public static RunReport Run(SimulationOptions options)
    {
        var results = options.Seeds.Select(seed => new SeedRun(seed, options.Replay).Run()).ToList();
        var violating = results.Where(r => r.Violation is not null).ToList();
        var summary = $"simulation: seeds={results.Count} steps={results.Sum(r => r.Stats.Steps)} faults={results.Sum(r => r.Stats.Faults)} "
            + $"destructive={results.Sum(r => r.Stats.Destructive)} violations={violating.Count} "
            + $"schedules={results.Sum(r => r.Stats.Schedules)} overrides={results.Sum(r => r.Stats.Overrides)} probes={results.Sum(r => r.Stats.Probes)} "
            + $"order={results.Sum(r => r.Stats.Order)} autostop={results.Sum(r => r.Stats.AutoStop)}";
        return new RunReport(summary, violating.Count, Failure(violating), results);
    }

    private static string Failure(IReadOnlyList<SeedResult> violating)
    {
        if (violating.Count == 0) return "";
        var first = violating[0];
        var text = new StringBuilder();
        text.AppendLine($"seed {first.Seed} broke {first.Violation}");
        text.AppendLine($"replay: SIM_SEED={first.Seed}");
        text.AppendLine($"setup: {first.Setup}");
        text.AppendLine($"last {TraceLines} steps:");
        foreach (var line in first.Trace.TakeLast(TraceLines)) text.AppendLine("  " + line);
        text.AppendLine("violations by class (lowest seed, number of seeds):");
        foreach (var group in violating.GroupBy(r => $"{r.Violation!.Invariant} {r.Violation.Class}").OrderBy(g => g.Key, StringComparer.Ordinal))
            text.AppendLine($"  {group.Key}: seed {group.Min(r => r.Seed)} ({group.Count()})");
        return text.ToString();
    }
}

/// <summary>The outcome of a run of seeds.</summary>
internal sealed record RunReport(string SummaryLine, int Violations, string FailureText, IReadOnlyList<SeedResult> Results);
