using ServerPower.Api.Resources;

namespace ServerPower.Simulation.Tests.Harness;

/// <summary>One real server at the provider: its power state, and whether it hangs on stop or is gone.</summary>
internal sealed class SimServer(string id, PowerState power)
{
    public string Id { get; } = id;
    public PowerState Power { get; set; } = power;

    /// <summary>The provider's own word for the state (e.g. "rebuilding" while Busy).</summary>
    public string Raw { get; set; } = power.ToString().ToLowerInvariant();

    /// <summary>A stop leaves the server in Stopping until it is killed or the world heals.</summary>
    public bool Stuck { get; set; }

    /// <summary>Deleted at the provider: every call answers NotFound.</summary>
    public bool Gone { get; set; }

    /// <summary>Whether the service on it answers its readiness probe while it runs.</summary>
    public bool ServiceUp { get; set; } = true;

    /// <summary>Players on it while it runs; null: its activity cannot be read (a read fails or is unreadable).</summary>
    public int? Players { get; set; } = 0;

    /// <summary>Bumped by every change, so a transition booked earlier knows it was overtaken.</summary>
    public int Version { get; set; }

    public bool Settled => Power is PowerState.Running or PowerState.Stopped;

    public override string ToString() => Gone ? "gone" : Power == PowerState.Busy ? Raw : Power.ToString() + (Stuck ? " (stuck)" : "");
}
