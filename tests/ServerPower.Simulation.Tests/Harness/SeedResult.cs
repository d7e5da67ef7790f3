namespace ServerPower.Simulation.Tests.Harness;

/// <summary>What one seed's run produced.</summary>
internal sealed record SeedResult(int Seed, SimStats Stats, Violation? Violation, IReadOnlyList<string> Trace, string Setup);
