using System.Collections.Concurrent;
using ServerPower.Operator.Probing;
using ServerPower.Runtime;

namespace ServerPower.Simulation.Tests.Harness;

/// <summary>
/// The prober's and the activity monitor's "reconcile this server again" (<see cref="IServerQueue"/>). Keys are
/// gathered here while their runs go on and handed to the process's work queue once every run has finished, in name
/// order (<see cref="Operators"/>).
/// </summary>
internal sealed class SimServerQueue : IServerQueue
{
    private readonly ConcurrentQueue<ObjectKey> pending = new();

    public void Enqueue(ObjectKey key) => pending.Enqueue(key);

    public IReadOnlyList<ObjectKey> Drain()
    {
        var keys = new List<ObjectKey>();
        while (pending.TryDequeue(out var key)) keys.Add(key);
        return keys.Distinct().OrderBy(k => k.Namespace, StringComparer.Ordinal).ThenBy(k => k.Name, StringComparer.Ordinal).ToList();
    }
}
