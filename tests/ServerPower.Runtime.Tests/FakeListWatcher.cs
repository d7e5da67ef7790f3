using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using ServerPower.Runtime;

namespace ServerPower.Runtime.Tests;

/// <summary>
/// A scriptable list+watch: <see cref="ListResult"/> answers each LIST (per namespace), and every WATCH becomes a
/// <see cref="FakeWatch"/> the test feeds through a channel, ends, or fails.
/// </summary>
internal sealed class FakeListWatcher<T> : IListWatcher<T> where T : class
{
    private readonly ConcurrentQueue<(string? Namespace, string? Continue)> lists = new();
    private readonly ConcurrentQueue<FakeWatch> watches = new();

    /// <summary>(namespace, continue token) → page.</summary>
    public Func<string?, string?, ListPage<T>> ListResult { get; set; } = (_, _) => new ListPage<T>([], "1", null);

    public IReadOnlyList<(string? Namespace, string? Continue)> Lists => [.. lists];

    public IReadOnlyList<FakeWatch> Watches => [.. watches];

    public int ListCount(string? ns = null) => lists.Count(l => l.Namespace == ns);

    /// <summary>
    /// The index-th watch the informer opened. A synced cache does not mean the watch is open yet (the informer lists,
    /// marks itself synced, then watches), so this waits for it, up to the suite's deadline, instead of racing it.
    /// </summary>
    public FakeWatch Watch(int index)
    {
        if (!SpinWait.SpinUntil(() => watches.Count > index, Eventually.Deadline))
        {
            Assert.Fail($"the informer never opened watch #{index} (it opened {watches.Count})");
        }
        return Watches[index];
    }

    public Task<ListPage<T>> ListAsync(string? @namespace, string? continueToken, CancellationToken cancellationToken)
    {
        lists.Enqueue((@namespace, continueToken));
        return Task.FromResult(ListResult(@namespace, continueToken));
    }

    public IAsyncEnumerable<WatchEvent<T>> WatchAsync(string? @namespace, string resourceVersion, TimeSpan timeout,
        CancellationToken cancellationToken)
    {
        var watch = new FakeWatch(@namespace, resourceVersion, timeout, cancellationToken);
        watches.Enqueue(watch);
        return watch.ReadAsync(cancellationToken);
    }

    internal sealed class FakeWatch(string? ns, string resourceVersion, TimeSpan timeout, CancellationToken token)
    {
        private readonly Channel<WatchEvent<T>> events = Channel.CreateUnbounded<WatchEvent<T>>();
        private Exception? failure;
        private int consumed;

        public string? Namespace => ns;
        public string ResourceVersion => resourceVersion;
        public TimeSpan Timeout => timeout;
        public bool Cancelled => token.IsCancellationRequested;
        private volatile bool started;
        public bool Started => started;

        /// <summary>Events the informer has taken and finished handling (it asks for the next one after handling).</summary>
        public int Consumed => Volatile.Read(ref consumed);

        public void Send(WatchEventKind kind, T? obj) => events.Writer.TryWrite(new WatchEvent<T>(kind, obj));

        /// <summary>The server ends the watch normally (timeoutSeconds elapsed).</summary>
        public void End() => events.Writer.TryComplete();

        public void Fail(Exception e)
        {
            failure = e;
            events.Writer.TryComplete();
        }

        public async IAsyncEnumerable<WatchEvent<T>> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
        {
            started = true;
            while (await events.Reader.WaitToReadAsync(cancellationToken))
            {
                while (events.Reader.TryRead(out var e))
                {
                    yield return e;
                    Interlocked.Increment(ref consumed);
                }
            }
            if (failure is not null) throw failure;
        }
    }
}
