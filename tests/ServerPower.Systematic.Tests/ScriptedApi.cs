using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using ServerPower.Runtime;

namespace ServerPower.Systematic.Tests;

/// <summary>
/// An in-memory API server for one kind, as the informer sees it through <see cref="IListWatcher{T}"/>: objects with
/// increasing resourceVersions, an event log that watches replay from a version, and faults the scenario injects
/// (a failing LIST, a watch that breaks, a compacted log that answers 410 Expired). Each answer and each event is a
/// step of the <see cref="DeterministicScheduler"/>; a watch waiting for news is woken by a step of its own.
/// </summary>
internal sealed class ScriptedApi(DeterministicScheduler scheduler) : IListWatcher<V1ConfigMap>
{
    private readonly object gate = new();
    private readonly Dictionary<ObjectKey, V1ConfigMap> objects = [];
    private readonly List<(long Version, WatchEventKind Kind, V1ConfigMap Object)> log = [];
    private TaskCompletionSource changed = new();
    private long version = 1;
    private long compactedBefore;
    private int failLists;
    private int failWatches;
    private Exception watchError = new HttpRequestException("connection reset (injected)");

    public long Lists { get; private set; }

    /// <summary>The resourceVersion of the last change.</summary>
    public string Version
    {
        get { lock (gate) return version.ToString(); }
    }

    public long Watches { get; private set; }

    /// <summary>The objects as the API holds them now.</summary>
    public IReadOnlyDictionary<ObjectKey, V1ConfigMap> Objects
    {
        get { lock (gate) return new Dictionary<ObjectKey, V1ConfigMap>(objects); }
    }

    /// <summary>Creates or changes the object's spec (a new generation), as a person's edit does.</summary>
    public void Put(ObjectKey key)
    {
        lock (gate)
        {
            var generation = objects.TryGetValue(key, out var old) ? old.Metadata.Generation + 1 : 1;
            Record(old is null ? WatchEventKind.Added : WatchEventKind.Modified, Object(key, generation));
        }
    }

    /// <summary>Changes only the resourceVersion (a status write): no reconcile is owed for it.</summary>
    public void Touch(ObjectKey key)
    {
        lock (gate)
        {
            if (objects.TryGetValue(key, out var old)) Record(WatchEventKind.Modified, Object(key, old.Metadata.Generation ?? 1));
        }
    }

    public void Delete(ObjectKey key)
    {
        lock (gate)
        {
            if (objects.TryGetValue(key, out var old)) Record(WatchEventKind.Deleted, Object(key, old.Metadata.Generation ?? 1));
        }
    }

    /// <summary>The next LIST throws a 503-like transport error.</summary>
    public void FailNextList()
    {
        lock (gate) failLists++;
    }

    /// <summary>
    /// Every open watch (and the next one opened) fails with the error <paramref name="kind"/> picks: a connection
    /// reset, 429, a 500 status or 403 (the informer resumes from its version after the first three, relists after 403).
    /// </summary>
    public void BreakWatches(int kind = 0)
    {
        lock (gate)
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
        lock (gate) compactedBefore = version;
        Wake();
    }

    public async Task<ListPage<V1ConfigMap>> ListAsync(string? @namespace, string? continueToken, CancellationToken cancellationToken)
    {
        scheduler.CheckThread("LIST");
        await scheduler.Yield();
        lock (gate)
        {
            Lists++;
            if (failLists > 0)
            {
                failLists--;
                throw new HttpRequestException("503 Service Unavailable (injected)");
            }
            return new ListPage<V1ConfigMap>([.. objects.Values.Select(Copy)], version.ToString(), null);
        }
    }

    public async IAsyncEnumerable<WatchEvent<V1ConfigMap>> WatchAsync(string? @namespace, string resourceVersion,
        TimeSpan timeout, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        scheduler.CheckThread("WATCH");
        var from = long.Parse(resourceVersion);
        int failuresSeen;
        lock (gate)
        {
            Watches++;
            failuresSeen = failWatches;
        }
        while (true)
        {
            await scheduler.Yield();
            WatchEvent<V1ConfigMap>? next = null;
            Task wait;
            lock (gate)
            {
                if (failWatches != failuresSeen) throw watchError;
                if (from < compactedBefore)
                {
                    next = new WatchEvent<V1ConfigMap>(WatchEventKind.Expired, null);
                    wait = Task.CompletedTask;
                }
                else
                {
                    var entry = log.FirstOrDefault(e => e.Version > from);
                    if (entry.Object is not null)
                    {
                        from = entry.Version;
                        next = new WatchEvent<V1ConfigMap>(entry.Kind, Copy(entry.Object));
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

    private static HttpOperationException Refused(HttpStatusCode code) =>
        new($"{(int)code} (injected)") { Response = new HttpResponseMessageWrapper(new HttpResponseMessage(code), "") };

    private void Record(WatchEventKind kind, V1ConfigMap obj)
    {
        var key = ObjectKey.From(obj.Metadata);
        version++;
        obj.Metadata.ResourceVersion = version.ToString();
        if (kind == WatchEventKind.Deleted) objects.Remove(key);
        else objects[key] = obj;
        log.Add((version, kind, obj));
        WakeLocked();
    }

    private void Wake()
    {
        lock (gate) WakeLocked();
    }

    private void WakeLocked()
    {
        var current = changed;
        changed = new TaskCompletionSource();
        scheduler.Dispatch(() => current.TrySetResult());
    }

    private static V1ConfigMap Object(ObjectKey key, long? generation) => new()
    {
        Metadata = new V1ObjectMeta { NamespaceProperty = key.Namespace, Name = key.Name, Generation = generation },
    };

    /// <summary>The informer's store trims what it keeps: it gets its own copy, as it would from JSON.</summary>
    private static V1ConfigMap Copy(V1ConfigMap obj) => new()
    {
        Metadata = new V1ObjectMeta
        {
            NamespaceProperty = obj.Metadata.NamespaceProperty,
            Name = obj.Metadata.Name,
            Generation = obj.Metadata.Generation,
            ResourceVersion = obj.Metadata.ResourceVersion,
        },
    };
}
