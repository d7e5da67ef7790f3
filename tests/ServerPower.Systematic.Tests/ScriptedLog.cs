using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using ServerPower.Runtime;

namespace ServerPower.Systematic.Tests;

/// <summary>
/// An in-memory API server's side of one kind as the informer sees it through <see cref="IListWatcher{T}"/>: objects
/// with increasing resourceVersions, an event log that watches replay from a version, and faults the scenario injects
/// (a failing LIST, a watch that breaks, a compacted log that answers 410 Expired). Each answer and each event is a
/// step of the <see cref="DeterministicScheduler"/>; a watch waiting for news is woken by a step of its own. Every
/// object handed out is a copy made by <paramref name="copy"/>, as it would be from JSON.
/// </summary>
internal abstract class ScriptedLog<T>(DeterministicScheduler scheduler, Func<T, T> copy) : IListWatcher<T>
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    private readonly List<(long Version, WatchEventKind Kind, T Object)> log = [];
    private TaskCompletionSource changed = new();
    private long version = 1;
    private long compactedBefore;
    private int failLists;
    private int failWatches;
    private Exception watchError = new HttpRequestException("connection reset (injected)");

    protected object Gate { get; } = new();

    /// <summary>The objects as stored (never changed in place: a write stores a new one).</summary>
    protected Dictionary<ObjectKey, T> Stored { get; } = [];

    protected DeterministicScheduler Scheduler => scheduler;

    public long Lists { get; private set; }

    /// <summary>The resourceVersion of the last change.</summary>
    public string Version
    {
        get { lock (Gate) return version.ToString(); }
    }

    public long Watches { get; private set; }

    /// <summary>The objects as the API holds them now.</summary>
    public IReadOnlyDictionary<ObjectKey, T> Objects
    {
        get { lock (Gate) return new Dictionary<ObjectKey, T>(Stored); }
    }

    /// <summary>The next LIST throws a 503-like transport error.</summary>
    public void FailNextList()
    {
        lock (Gate) failLists++;
    }

    /// <summary>
    /// Every open watch (and the next one opened) fails with the error <paramref name="kind"/> picks: a connection
    /// reset, 429, a 500 status or 403 (the informer resumes from its version after the first three, relists after 403).
    /// </summary>
    public void BreakWatches(int kind = 0)
    {
        lock (Gate)
        {
            failWatches++;
            watchError = kind switch
            {
                1 => Refused(HttpStatusCode.TooManyRequests),
                2 => new KubernetesException(new V1Status { Code = 500, Reason = "InternalError" }),
                3 => Refused(HttpStatusCode.Forbidden),
                _ => new HttpRequestException("connection reset (injected)"),
            };
        }
        Wake();
    }

    /// <summary>The log is compacted: a watch from any version seen so far answers 410 Expired.</summary>
    public void Compact()
    {
        lock (Gate) compactedBefore = version;
        Wake();
    }

    public async Task<ListPage<T>> ListAsync(string? @namespace, string? continueToken, CancellationToken cancellationToken)
    {
        scheduler.CheckThread("LIST");
        await scheduler.Yield();
        lock (Gate)
        {
            Lists++;
            if (failLists > 0)
            {
                failLists--;
                throw new HttpRequestException("503 Service Unavailable (injected)");
            }
            return new ListPage<T>([.. Stored.Values.Select(copy)], version.ToString(), null);
        }
    }

    public async IAsyncEnumerable<WatchEvent<T>> WatchAsync(string? @namespace, string resourceVersion,
        TimeSpan timeout, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        scheduler.CheckThread("WATCH");
        var from = long.Parse(resourceVersion);
        int failuresSeen;
        lock (Gate)
        {
            Watches++;
            failuresSeen = failWatches;
        }
        while (true)
        {
            await scheduler.Yield();
            WatchEvent<T>? next = null;
            Task wait;
            lock (Gate)
            {
                if (failWatches != failuresSeen) throw watchError;
                if (from < compactedBefore)
                {
                    next = new WatchEvent<T>(WatchEventKind.Expired, null);
                    wait = Task.CompletedTask;
                }
                else
                {
                    var entry = log.FirstOrDefault(e => e.Version > from);
                    if (entry.Object is not null)
                    {
                        from = entry.Version;
                        next = new WatchEvent<T>(entry.Kind, copy(entry.Object));
                    }
                    wait = changed.Task;
                }
            }
            if (next is not null)
            {
                yield return next;
                if (next.Kind == WatchEventKind.Expired) yield break;
                continue;
            }
            var cancelled = new TaskCompletionSource();
            using (cancellationToken.Register(() => cancelled.TrySetResult()))
            {
                await Task.WhenAny(wait, cancelled.Task).ConfigureAwait(false);
            }
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    protected static HttpOperationException Refused(HttpStatusCode code) =>
        new($"{(int)code} (injected)") { Response = new HttpResponseMessageWrapper(new HttpResponseMessage(code), "") };

    /// <summary>Stores (or, for Deleted, removes) <paramref name="obj"/> at the next resourceVersion and logs the event; call under <see cref="Gate"/>.</summary>
    protected void Record(WatchEventKind kind, T obj)
    {
        var key = ObjectKey.From(obj.Metadata);
        version++;
        obj.Metadata.ResourceVersion = version.ToString();
        if (kind == WatchEventKind.Deleted) Stored.Remove(key);
        else Stored[key] = obj;
        log.Add((version, kind, obj));
        WakeLocked();
    }

    private void Wake()
    {
        lock (Gate) WakeLocked();
    }

    private void WakeLocked()
    {
        var current = changed;
        changed = new TaskCompletionSource();
        scheduler.Dispatch(() => current.TrySetResult());
    }
}
