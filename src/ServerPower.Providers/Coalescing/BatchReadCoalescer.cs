using ServerPower.Providers.Contract;

namespace ServerPower.Providers.Coalescing;

/// <summary>
/// Serves single reads from one shared batch read: concurrent callers join the batch in flight (single flight),
/// later callers reuse it while it is younger than the maximum age (measured from when it was sent). Observing
/// N servers of one account so costs one call per window instead of N. A batch the provider layer did not send (the
/// account's own rate limit, an open circuit) is no snapshot: the next caller asks again, and learns how long to wait
/// as of then.
/// </summary>
internal sealed class BatchReadCoalescer(
    Func<CancellationToken, Task<BatchReadResult>> readAll, TimeSpan maxAge, TimeProvider timeProvider)
{
    private readonly Lock gate = new();
    private Task<BatchReadResult>? current;
    private DateTimeOffset sentAt;

    /// <summary>The batch snapshot to serve a read from; the caller's token only stops its own wait.</summary>
    public Task<BatchReadResult> SnapshotAsync(CancellationToken cancellationToken)
    {
        Task<BatchReadResult> snapshot;
        lock (gate)
        {
            var now = timeProvider.GetUtcNow();
            var fresh = current is not null
                && (!current.IsCompleted || (now - sentAt <= maxAge && !(current.IsCompletedSuccessfully && current.Result.Outcome.NotSent)));
            if (!fresh)
            {
                sentAt = now;
                current = readAll(CancellationToken.None);
            }

            snapshot = current!;
        }

        return snapshot.WaitAsync(cancellationToken);
    }
}
