using System.Collections.Concurrent;

namespace ServerPower.Sandbox.Providers.Core;

/// <summary>
/// The in-memory servers of one simulator and their state machine: start offline→starting→running,
/// stop running→stopping→offline, restart, kill, reset, reinstall installing→(running or offline).
/// Lookups are O(1); only listing is O(N).
/// </summary>
public sealed class ServerStore(SimulatorOptions options)
{
    private readonly ConcurrentDictionary<string, SimulatedServer> servers = new(StringComparer.Ordinal);

    private DateTimeOffset Now => options.TimeProvider.GetUtcNow();

    public int Count => servers.Count;

    public IEnumerable<SimulatedServer> All => servers.Values;

    public SimulatedServer Add(string id, SimPowerState state = SimPowerState.Offline, bool suspended = false)
    {
        var server = new SimulatedServer(id, state, Now) { Suspended = suspended };
        return servers[id] = server;
    }

    public bool Remove(string id) => servers.TryRemove(id, out _);

    public SimulatedServer? Find(string id) => servers.GetValueOrDefault(id);

    public SimPowerState StateOf(string id) => Get(id).StateAt(Now);

    /// <summary>Puts a server into a state at once, cancelling anything scheduled (e.g. Installing = busy).</summary>
    public void Force(string id, SimPowerState state, bool? suspended = null)
    {
        var server = Get(id);
        server.Force(state, Now);
        server.Suspended = suspended ?? server.Suspended;
    }

    public bool Start(SimulatedServer server, DateTimeOffset? at = null) => Schedule(server, at, state => state == SimPowerState.Offline
        ? [(SimPowerState.Starting, TimeSpan.Zero), (SimPowerState.Running, options.StartDelay)]
        : null);

    public bool Stop(SimulatedServer server, DateTimeOffset? at = null) => Schedule(server, at, state =>
        state is SimPowerState.Running or SimPowerState.Starting
            ? [(SimPowerState.Stopping, TimeSpan.Zero), (SimPowerState.Offline, options.StopDelay)]
            : null);

    public bool Restart(SimulatedServer server, DateTimeOffset? at = null) => Schedule(server, at, state => state switch
    {
        SimPowerState.Running or SimPowerState.Starting =>
        [
            (SimPowerState.Stopping, TimeSpan.Zero),
            (SimPowerState.Starting, options.StopDelay),
            (SimPowerState.Running, options.StopDelay + options.StartDelay),
        ],
        SimPowerState.Offline => [(SimPowerState.Starting, TimeSpan.Zero), (SimPowerState.Running, options.StartDelay)],
        _ => null,
    });

    /// <summary>A hard reset (HEO): no graceful stop, straight to booting.</summary>
    public bool Reset(SimulatedServer server) => Schedule(server, null, state => state == SimPowerState.Installing
        ? null
        : [(SimPowerState.Starting, TimeSpan.Zero), (SimPowerState.Running, options.StartDelay)]);

    public bool Kill(SimulatedServer server, DateTimeOffset? at = null) =>
        Schedule(server, at, _ => [(SimPowerState.Offline, TimeSpan.Zero)]);

    public bool Reinstall(SimulatedServer server, SimPowerState after) => Schedule(server, null, state => state == SimPowerState.Installing
        ? null
        : [(SimPowerState.Installing, TimeSpan.Zero), (after, options.InstallDelay)]);

    private bool Schedule(
        SimulatedServer server, DateTimeOffset? at, Func<SimPowerState, IReadOnlyList<(SimPowerState, TimeSpan)>?> plan)
    {
        var now = Now;
        return server.Schedule(now, at ?? now, plan);
    }

    private SimulatedServer Get(string id) =>
        Find(id) ?? throw new KeyNotFoundException($"no simulated server '{id}'");
}
