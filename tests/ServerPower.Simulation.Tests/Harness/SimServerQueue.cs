using System.Collections.Concurrent;
using ServerPower.Operator.Probing;
using ServerPower.Runtime;

namespace ServerPower.Simulation.Tests.Harness;

/// <summary>
/// The prober's and the activity monitor's "reconcile this server again" (<see cref="IServerQueue"/>). They call it
/// from their runs' threads, so keys are gathered here and handed to the process's work queue by
/// <see cref="BackgroundSchedule"/> once every run has finished, in name order: the same run gives the same queue.
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
