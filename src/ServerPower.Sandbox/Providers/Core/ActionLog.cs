using System.Collections.Concurrent;

namespace ServerPower.Sandbox.Providers.Core;

/// <summary>
/// Every action request a simulator received, per server and per action, faulted ones included (a request that
/// was answered 503 or dropped was still sent), kept even when <see cref="SimulatorOptions.RecordRequests"/> is off.
/// </summary>
public sealed class ActionLog
{
    private readonly ConcurrentQueue<SimulatedAction> actions = new();

    public IReadOnlyList<SimulatedAction> Snapshot() => actions.ToArray();

    /// <summary>Requests for this action (null: any) on this server (null: any).</summary>
    public int Count(string? serverId = null, string? action = null) =>
        actions.Count(a => (serverId is null || a.ServerId == serverId) && (action is null || a.Action == action));

    /// <summary>Destructive requests (restart, kill, reset, rebuild) for this server (null: any).</summary>
    public int CountDestructive(string? serverId = null) =>
        actions.Count(a => a.Destructive && (serverId is null || a.ServerId == serverId));

    public void Clear() => actions.Clear();

    internal void Add(SimulatedAction action) => actions.Enqueue(action);
}
