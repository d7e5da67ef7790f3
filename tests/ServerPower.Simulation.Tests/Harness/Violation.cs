namespace ServerPower.Simulation.Tests.Harness;

/// <summary>A broken promise: which one (P1…P7), a short class for grouping seeds, and what happened.</summary>
internal sealed record Violation(string Invariant, string Class, string Message, DateTimeOffset At)
{
    public override string ToString() => $"{Invariant} [{Class}] at {Trace.Stamp(At)}: {Message}";
}
