using ServerPower.Api.Resources;

namespace ServerPower.Systematic.Tests;

/// <summary>
/// The servers behind the provider, as a Wings node runs them: Running, Stopping or Stopped. A stop leaves a server
/// Stopping until its time comes, or until a kill; a start or a restart leaves it Running; a rebuild
/// (a reinstall) leaves its power state as it was.
/// </summary>
internal sealed class ServerWorld(TimeProvider time)
{
    private readonly Dictionary<string, (PowerState State, DateTimeOffset StoppedAt)> servers = [];

    public IReadOnlyCollection<string> Ids => servers.Keys;

    public void Add(string id, PowerState state) => servers[id] = (state, DateTimeOffset.MinValue);

    /// <summary>The server's state now (a stop has ended once its time came).</summary>
    public PowerState State(string id)
    {
        var (state, stoppedAt) = servers[id];
        if (state == PowerState.Stopping && time.GetUtcNow() >= stoppedAt) servers[id] = (state = PowerState.Stopped, stoppedAt);
        return state;
    }

    /// <summary>Carries out <paramref name="action"/>; a stop of a running server takes <paramref name="stopTakes"/>.</summary>
    public void Apply(string id, ActionType action, TimeSpan stopTakes)
    {
        var state = State(id);
        servers[id] = action switch
        {
            ActionType.Start or ActionType.Restart => (PowerState.Running, DateTimeOffset.MinValue),
            ActionType.Kill => (PowerState.Stopped, DateTimeOffset.MinValue),
            ActionType.Stop when state == PowerState.Running => (PowerState.Stopping, time.GetUtcNow() + stopTakes),
            _ => servers[id],
        };
    }
}
