using System.Collections.Concurrent;

namespace ServerPower.Sandbox.Providers.Core;

/// <summary>A thread-safe log of every request a simulator received, faulted ones included.</summary>
public sealed class RequestLog
{
    private readonly ConcurrentQueue<RecordedRequest> requests = new();
    private long total;

    /// <summary>Requests received since start (counted even when recording is off).</summary>
    public long Total => Interlocked.Read(ref total);

    public IReadOnlyList<RecordedRequest> Snapshot() => requests.ToArray();

    public IReadOnlyList<RecordedRequest> Matching(string method, string pathContains) =>
        requests.Where(r => r.Method == method && r.Path.Contains(pathContains, StringComparison.Ordinal)).ToArray();

    public void Clear() => requests.Clear();

    internal void Add(RecordedRequest? request)
    {
        Interlocked.Increment(ref total);
        if (request is not null)
        {
            requests.Enqueue(request);
        }
    }
}
