using System.Collections.Concurrent;
using ServerPower.Runtime;

namespace ServerPower.Runtime.Tests;

/// <summary>Counts calls per key, tracks concurrency per key, and answers with a configurable function.</summary>
internal sealed class RecordingReconciler(Func<ObjectKey, int, CancellationToken, Task<ReconcileResult>>? answer = null) : IReconciler
{
    private readonly ConcurrentDictionary<ObjectKey, int> calls = new();
    private readonly ConcurrentDictionary<ObjectKey, int> running = new();
    private int maxConcurrentPerKey;

    public int MaxConcurrentPerKey => Volatile.Read(ref maxConcurrentPerKey);

    public int Calls(ObjectKey key) => calls.GetValueOrDefault(key);

    public int TotalCalls => calls.Values.Sum();

    public async Task<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken cancellationToken)
    {
        var now = running.AddOrUpdate(key, 1, (_, n) => n + 1);
        InterlockedMax(now);
        var call = calls.AddOrUpdate(key, 1, (_, n) => n + 1);
        try
        {
            return answer is null ? ReconcileResult.Done : await answer(key, call, cancellationToken);
        }
        finally
        {
            running.AddOrUpdate(key, 0, (_, n) => n - 1);
        }
    }

    private void InterlockedMax(int value)
    {
        int seen;
        while (value > (seen = Volatile.Read(ref maxConcurrentPerKey)) &&
               Interlocked.CompareExchange(ref maxConcurrentPerKey, value, seen) != seen)
        {
        }
    }
}
