using Microsoft.Extensions.Time.Testing;

namespace ServerPower.Simulation.Tests.Harness;

/// <summary>
/// What every part of one seed's run shares: the one seeded random source, the simulated clock, the agenda of
/// timed events, the step trace and the counters. Nothing in a run reads the wall clock.
/// </summary>
internal sealed class SimContext(int seed, bool keepFullTrace)
{
    public static readonly DateTimeOffset Start = new(2026, 11, 22, 10, 0, 0, TimeSpan.Zero);

    private long sequence;

    public int Seed { get; } = seed;
    public Random Rng { get; } = new(seed);

    /// <summary>
    /// A second stream, for the extreme values users sometimes write: adding them leaves every draw of <see cref="Rng"/>,
    /// and so every trajectory that does not meet one, as it was.
    /// </summary>
    public Random Extremes { get; } = new(seed ^ 0x5EED);

    /// <summary>A third stream, for which later features a seed exercises (<see cref="FlowPlan"/>), for the same reason.</summary>
    public Random Flows { get; } = new(seed ^ 0xF10E);

    /// <summary>A fourth stream, for which lookups of other objects a lagging cache answers from an older version.</summary>
    public Random Lag { get; } = new(seed ^ 0x1A66);
    public FakeTimeProvider Clock { get; } = new(Start);
    public Agenda Agenda { get; } = new();
    public Trace Trace { get; } = new(keepFullTrace);
    public SimStats Stats { get; } = new();

    public DateTimeOffset Now => Clock.GetUtcNow();

    /// <summary>A global order of everything that happened, for "before/after" questions the invariants ask.</summary>
    public long NextSeq() => ++sequence;

    public bool Chance(double probability) => Rng.NextDouble() < probability;

    public TimeSpan Between(TimeSpan min, TimeSpan max) => min + (max - min) * Rng.NextDouble();

    public TimeSpan Exponential(TimeSpan mean) => mean * -Math.Log(1 - Rng.NextDouble());

    public T Pick<T>(params T[] items) => items[Rng.Next(items.Length)];

    public void Log(string text) => Trace.Add(Now, text);

    public void Fault(string text)
    {
        Stats.Faults++;
        Log("FAULT " + text);
    }
}
