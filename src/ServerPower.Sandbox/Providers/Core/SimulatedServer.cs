namespace ServerPower.Sandbox.Providers.Core;

/// <summary>
/// One simulated server. Its state is a timeline of steps (state from a time on), evaluated lazily against the
/// simulator's TimeProvider: no timers, O(1) per request, and FakeTimeProvider moves it deterministically.
/// </summary>
public sealed class SimulatedServer
{
    private readonly Lock gate = new();
    private Step[] steps;

    internal SimulatedServer(string id, SimPowerState state, DateTimeOffset now)
    {
        Id = id;
        steps = [new Step(state, now)];
    }

    public string Id { get; }

    /// <summary>Suspended at the provider: actions are refused the provider's way.</summary>
    public bool Suspended { get; set; }

    /// <summary>When set, reported as the provider's raw state instead of the derived one (mapping tests).</summary>
    public string? ReportedState { get; set; }

    public SimPowerState StateAt(DateTimeOffset time)
    {
        lock (gate)
        {
            return Current(time);
        }
    }

    /// <summary>When the last scheduled transition takes effect (now or earlier when settled).</summary>
    public DateTimeOffset SettlesAt
    {
        get
        {
            lock (gate)
            {
                return steps[^1].At;
            }
        }
    }

    /// <summary>Replaces everything scheduled from <paramref name="at"/> on with <paramref name="plan"/>, built from the state at that time.</summary>
    internal bool Schedule(DateTimeOffset now, DateTimeOffset at, Func<SimPowerState, IReadOnlyList<(SimPowerState State, TimeSpan After)>?> plan)
    {
        lock (gate)
        {
            var next = plan(Current(at));
            if (next is null)
            {
                return false;
            }

            var kept = steps.Where(step => step.At < at).ToList();
            var firstRelevant = Math.Max(0, kept.FindLastIndex(step => step.At <= now));
            kept = kept.Skip(firstRelevant).ToList();
            kept.AddRange(next.Select(step => new Step(step.State, at + step.After)));
            steps = [.. kept];
            return true;
        }
    }

    internal void Force(SimPowerState state, DateTimeOffset now)
    {
        lock (gate)
        {
            steps = [new Step(state, now)];
        }
    }

    private SimPowerState Current(DateTimeOffset time)
    {
        var state = steps[0].State;
        foreach (var step in steps)
        {
            if (step.At > time)
            {
                break;
            }

            state = step.State;
        }

        return state;
    }

    private sealed record Step(SimPowerState State, DateTimeOffset At);
}
