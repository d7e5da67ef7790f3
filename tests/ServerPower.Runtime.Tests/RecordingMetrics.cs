using System.Collections.Concurrent;
using ServerPower.Operator.Runtime;

namespace ServerPower.Runtime.Tests;

internal sealed class RecordingMetrics : IRuntimeMetrics
{
    private readonly ConcurrentDictionary<string, int> depths = new();
    private readonly ConcurrentQueue<(string Controller, string Result)> reconciles = new();

    public int Depth(string queue) => depths.GetValueOrDefault(queue);

    public IReadOnlyList<(string Controller, string Result)> Reconciles => [.. reconciles];

    public bool? Leader { get; private set; }

    public void QueueDepth(string queue, int depth) => depths[queue] = depth;

    public void ReconcileCompleted(string controller, string result, TimeSpan duration) => reconciles.Enqueue((controller, result));

    public void LeaderChanged(bool isLeader) => Leader = isLeader;
}
