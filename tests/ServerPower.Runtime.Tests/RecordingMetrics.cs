using System.Collections.Concurrent;
using ServerPower.Runtime;

namespace ServerPower.Runtime.Tests;

internal sealed class RecordingMetrics : IRuntimeMetrics
{
    private readonly ConcurrentDictionary<string, int> depths = new();
    private readonly ConcurrentQueue<(string Controller, string Result)> reconciles = new();
    private readonly ConcurrentQueue<TimeSpan> waits = new();
    private readonly ConcurrentQueue<TimeSpan> works = new();
    private int adds;
    private int retries;
    private int active;

    public int Depth(string queue) => depths.GetValueOrDefault(queue);

    public IReadOnlyList<(string Controller, string Result)> Reconciles => [.. reconciles];

    public IReadOnlyList<TimeSpan> Waits => [.. waits];

    public IReadOnlyList<TimeSpan> Works => [.. works];

    public int Adds => Volatile.Read(ref adds);

    public int Retries => Volatile.Read(ref retries);

    public int Active => Volatile.Read(ref active);

    public int? Workers { get; private set; }

    public bool? Leader { get; private set; }

    public string? Lease { get; private set; }

    public void QueueDepth(string queue, int depth) => depths[queue] = depth;

    public void QueueAdded(string queue) => Interlocked.Increment(ref adds);

    public void QueueRetried(string queue) => Interlocked.Increment(ref retries);

    public void QueueTaken(string queue, TimeSpan waited) => waits.Enqueue(waited);

    public void QueueDone(string queue, TimeSpan worked) => works.Enqueue(worked);

    public void TrackInProgress(string queue, Func<QueueInProgress> read) { }

    public void ControllerWorkers(string controller, int workers) => Workers = workers;

    public void ActiveWorkersChanged(string controller, int delta) => Interlocked.Add(ref active, delta);

    public void ReconcileCompleted(string controller, string result, TimeSpan duration) => reconciles.Enqueue((controller, result));

    public void LeaderChanged(string lease, bool isLeader)
    {
        Lease = lease;
        Leader = isLeader;
    }
}
