using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace ServerPower.Runtime;

/// <summary>
/// client-go's reflector and shared informer for one kind: LIST (paged), then WATCH from the list's resourceVersion,
/// advancing the version on every event including BOOKMARK. A watch that ends normally is resumed from the last
/// version; a 410 Expired relists at once; a watch quiet for longer than its server timeout plus a margin is
/// cancelled by a watchdog and resumed. A watch that breaks at the transport (connection reset or aborted mid-stream,
/// refused connection) or is refused with 429 or a 5xx is resumed, as client-go's reflector does, from the last
/// version it delivered, after a jittered exponential backoff (0.8 s → 30 s, back to 0.8 s once a watch made
/// progress): no relist, no OnUpdate for every object. Any other error (a LIST failing, an answer that cannot be
/// read, a 4xx) relists after that backoff. A relist replaces the store like a DeltaFIFO Replace: added objects →
/// OnAdd, existing ones → OnUpdate(relist: true), vanished ones → OnDelete.
/// </summary>
public sealed class Informer<T> : ISharedInformer where T : class, IKubernetesObject<V1ObjectMeta>
{
    private readonly string kind;
    private readonly IListWatcher<T> listWatcher;
    private readonly InformerOptions options;
    private readonly ILogger logger;
    private readonly TimeProvider time;
    private readonly Random random;
    private readonly List<IResourceEventHandler<T>> handlers = [];
    private readonly Dictionary<string, string> resourceVersions = [];
    private readonly HashSet<string?> syncedScopes = [];
    private readonly TaskCompletionSource synced = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource progressed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Informer(string kind, IListWatcher<T> listWatcher, InformerOptions? options, ILogger logger,
        TimeProvider? time = null, Random? random = null)
    {
        this.kind = kind;
        this.listWatcher = listWatcher;
        this.options = options ?? new InformerOptions();
        this.logger = logger;
        this.time = time ?? TimeProvider.System;
        this.random = random ?? Random.Shared;
    }

    public string Kind => kind;

    /// <summary>
    /// Where the reflectors (one per namespace) start: null in the product (Task.Run); in the systematic tests, their
    /// deterministic scheduler, which runs each dispatched action as one step it picks by a seed (tests/README.md,
    /// "Systematic concurrency tests over the runtime").
    /// </summary>
    internal Action<Action>? Dispatch { get; init; }

    public ObjectStore<T> Store { get; } = new();

    /// <summary>Completes when every namespace (or the whole cluster) has been listed once.</summary>
    public Task Synced => synced.Task;

    public bool HasSynced => synced.Task.IsCompleted;

    /// <summary>Adds a handler; add handlers before <see cref="RunAsync"/>.</summary>
    public void AddHandler(IResourceEventHandler<T> handler)
    {
        lock (handlers) handlers.Add(handler);
    }

    /// <summary>The last resourceVersion seen for the namespace (null: cluster-wide scope), or null before the first list.</summary>
    public string? ResourceVersion(string? @namespace = null)
    {
        lock (resourceVersions) return resourceVersions.GetValueOrDefault(@namespace ?? "");
    }

    /// <summary>
    /// Waits until the cache of <paramref name="namespace"/>'s scope (the cluster-wide one when every namespace is
    /// watched) has seen every change up to <paramref name="resourceVersion"/>: a watch delivers one scope's events in
    /// resourceVersion order, so once it has delivered that version (or a later one, or a list at or after it) the cache
    /// holds everything written before it. False when <paramref name="timeout"/> passed first, the namespace is not
    /// watched, or the versions cannot be compared. The caller's own write is the usual version waited for: its watch
    /// event arrives within milliseconds while the watch is up.
    /// </summary>
    public async Task<bool> CaughtUpAsync(string @namespace, string resourceVersion, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (options.Namespaces.Count > 0 && !options.Namespaces.Contains(@namespace)) return false;
        var scope = options.Namespaces.Count == 0 ? null : @namespace;
        var deadline = time.GetUtcNow() + timeout;
        while (true)
        {
            Task next;
            lock (resourceVersions) next = progressed.Task;
            if (ResourceVersion(scope) is { } seen)
            {
                if (ResourceVersions.AtLeast(seen, resourceVersion) is not { } atLeast) return false;
                if (atLeast) return true;
            }
            var left = deadline - time.GetUtcNow();
            if (left <= TimeSpan.Zero) return false;
            using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var delay = Task.Delay(left, time, timer.Token);
            // Stryker disable once Boolean : ConfigureAwait(true) is equivalent: the runtime has no synchronization context
            await Task.WhenAny(next, delay).ConfigureAwait(false);
            timer.Cancel();
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    /// <summary>Runs until cancelled; returns normally on cancellation.</summary>
    public Task RunAsync(CancellationToken cancellationToken)
    {
        IReadOnlyList<string?> scopes = options.Namespaces.Count == 0 ? [null] : [.. options.Namespaces.Distinct()];
        return Task.WhenAll(scopes.Select(scope => RuntimeTasks.Run(Dispatch, () => ReflectAsync(scope, scopes.Count, cancellationToken))));
    }

    private async Task ReflectAsync(string? scope, int scopeCount, CancellationToken cancellationToken)
    {
        string? version = null;
        var backoff = options.InitialBackoff;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                if (version is null)
                {
                    // Stryker disable once Boolean : ConfigureAwait(true) is equivalent: the runtime has no synchronization context
                    version = await ListAndReplaceAsync(scope, cancellationToken).ConfigureAwait(false);
                    MarkSynced(scope, scopeCount);
                }
                // Stryker disable once Boolean : ConfigureAwait(true) is equivalent: the runtime has no synchronization context
                var (next, expired) = await WatchAsync(scope, version, cancellationToken).ConfigureAwait(false);
                backoff = options.InitialBackoff;
                // Stryker disable once Boolean : the condition chooses only whether the log line below is written
                if (expired)
                    // Stryker disable once Statement,String : a log line only
                    logger.LogInformation("Watch of {Kind} in {Scope} expired (410) at resourceVersion {Version}; relisting",
                        kind, Describe(scope), next);
                version = expired ? null : next;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            // Stryker disable once Block,Statement : without the return the loop's condition, the same cancelled token, ends the loop
            {
                return;
            }
            catch (Exception e)
            {
                var resume = version is not null && CanResumeWatch(e);
                if (resume && ResourceVersion(scope) is { } last && last != version)
                {
                    backoff = options.InitialBackoff; // the failed watch delivered events: it was healthy until it broke
                    version = last;
                }
                var delay = Jittered(backoff);
                var doubled = backoff * 2;
                // Stryker disable once Equality : > and >= both give MaxBackoff when the doubled backoff equals it
                backoff = doubled > options.MaxBackoff ? options.MaxBackoff : doubled;
                if (resume)
                    // Stryker disable once Statement,String : a log line only
                    logger.LogWarning("Watch of {Kind} in {Scope} failed ({Error}); resuming from resourceVersion {Version} in {Delay}",
                        kind, Describe(scope), e.Message, version, delay);
                else
                {
                    // One line for the operator's log (an API server that is down is not a bug); the stack only at Debug.
                    logger.LogWarning("List/watch of {Kind} in {Scope} failed ({Error}); relisting in {Delay}", kind, Describe(scope), e.Message, delay);
                    // Stryker disable once Statement,String : a log line only
                    logger.LogDebug(e, "List/watch of {Kind} in {Scope} failed", kind, Describe(scope));
                    version = null;
                }
                try
                {
                    // Stryker disable once Boolean : ConfigureAwait(true) is equivalent: the runtime has no synchronization context
                    await Task.Delay(delay, time, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private async Task<string> ListAndReplaceAsync(string? scope, CancellationToken cancellationToken)
    {
        var listed = new Dictionary<ObjectKey, T>();
        string? continueToken = null;
        string version;
        do
        {
            // Stryker disable once Boolean : ConfigureAwait(true) is equivalent: the runtime has no synchronization context
            var page = await listWatcher.ListAsync(scope, continueToken, cancellationToken).ConfigureAwait(false);
            foreach (var item in page.Items) listed[ObjectKey.From(item.Metadata)] = item;
            version = page.ResourceVersion;
            continueToken = page.Continue;
        }
        while (!string.IsNullOrEmpty(continueToken));

        foreach (var item in listed.Values)
        {
            var old = Store.Set(item);
            if (old is null) Notify(h => h.OnAdd(item, true));
            else Notify(h => h.OnUpdate(old, item, true));
        }
        foreach (var key in Store.Keys())
        {
            if ((scope is not null && key.Namespace != scope) || listed.ContainsKey(key)) continue;
            if (Store.Remove(key) is { } gone) Notify(h => h.OnDelete(gone));
        }
        SetVersion(scope, version);
        // Stryker disable once Statement,String : a log line only
        logger.LogInformation("Listed {Count} {Kind} in {Scope} at resourceVersion {Version}", listed.Count, kind, Describe(scope), version);
        return version;
    }

    /// <summary>One watch; returns the last resourceVersion and whether the server said it expired.</summary>
    private async Task<(string Version, bool Expired)> WatchAsync(string? scope, string version, CancellationToken cancellationToken)
    {
        var serverTimeout = TimeSpan.FromSeconds(Math.Round(
            options.MinWatchTimeout.TotalSeconds + random.NextDouble() * (options.MaxWatchTimeout - options.MinWatchTimeout).TotalSeconds));
        var deadline = serverTimeout + options.WatchdogMargin;
        using var watchCts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var quiet = false;
        using var watchdog = time.CreateTimer(_ =>
        {
            quiet = true;
            watchCts.Cancel();
        }, null, deadline, Timeout.InfiniteTimeSpan);
        try
        {
            // Stryker disable once Boolean : ConfigureAwait(true) is equivalent: the runtime has no synchronization context
            var events = listWatcher.WatchAsync(scope, version, serverTimeout, watchCts.Token).WithCancellation(watchCts.Token).ConfigureAwait(false);
            await foreach (var e in events)
            {
                watchdog.Change(deadline, Timeout.InfiniteTimeSpan);
                if (e.Kind == WatchEventKind.Expired) return (version, true);
                if (e.Object?.Metadata?.ResourceVersion is { Length: > 0 } next) version = next;
                Apply(e);
                SetVersion(scope, version);
            }
        }
        catch (Exception) when (quiet && !cancellationToken.IsCancellationRequested)
        // Stryker disable once Block : the catch only writes a log line (what it is for is catching)
        {
            // whatever the cancelled request threw (OperationCanceledException, an IOException), the watchdog caused it
            // Stryker disable once Statement,String : a log line only
            logger.LogWarning("Watch of {Kind} in {Scope} was quiet for {Deadline}; restarting it from {Version}",
                kind, Describe(scope), deadline, version);
        }
        return (version, false);
    }

    /// <summary>
    /// Whether a failed watch may be resumed from the last version (client-go: a stream that breaks is a closed watch;
    /// a refused connection and 429 are retried; a 5xx is retried): transport failures, 429, 5xx.
    /// </summary>
    private static bool CanResumeWatch(Exception e) => e switch
    {
        IOException or HttpRequestException => true,
        HttpOperationException { Response: { } response } => IsRetriable(response.StatusCode),
        KubernetesException { Status.Code: { } code } => IsRetriable((HttpStatusCode)code),
        OperationCanceledException => true, // not ours (that returns): the client's own timeout while connecting
        _ => false,
    };

    private static bool IsRetriable(HttpStatusCode code) => code == HttpStatusCode.TooManyRequests || (int)code >= 500;

    private void Apply(WatchEvent<T> e)
    {
        if (e.Object is not { } obj) return;
        switch (e.Kind)
        {
            case WatchEventKind.Added:
            case WatchEventKind.Modified:
                var old = Store.Set(obj);
                if (old is null) Notify(h => h.OnAdd(obj, false));
                else Notify(h => h.OnUpdate(old, obj, false));
                break;
            case WatchEventKind.Deleted:
                Store.Remove(ObjectKey.From(obj.Metadata));
                Notify(h => h.OnDelete(obj));
                break;
        }
    }

    private void Notify(Action<IResourceEventHandler<T>> call)
    {
        IResourceEventHandler<T>[] current;
        lock (handlers) current = [.. handlers];
        foreach (var handler in current)
        {
            try
            {
                call(handler);
            }
            catch (Exception e)
            // Stryker disable once Block : the catch only writes a log line (what it is for is catching)
            {
                // Stryker disable once Statement,String : a log line only
                logger.LogError(e, "An event handler of {Kind} threw", kind);
            }
        }
    }

    private void SetVersion(string? scope, string version)
    {
        TaskCompletionSource reached;
        lock (resourceVersions)
        {
            resourceVersions[scope ?? ""] = version;
            (reached, progressed) = (progressed, new(TaskCreationOptions.RunContinuationsAsynchronously));
        }
        reached.TrySetResult();
    }

    private void MarkSynced(string? scope, int scopeCount)
    {
        lock (syncedScopes)
        {
            syncedScopes.Add(scope);
            if (syncedScopes.Count == scopeCount) synced.TrySetResult();
        }
    }

    private TimeSpan Jittered(TimeSpan delay)
    {
        var jittered = delay * (1 + random.NextDouble());
        // Stryker disable once Equality : > and >= both give MaxBackoff when the jittered delay equals it
        return jittered > options.MaxBackoff ? options.MaxBackoff : jittered;
    }

    // Stryker disable once Conditional,Equality,String : the scope as log lines name it, read by log lines only
    private static string Describe(string? scope) => scope is null ? "all namespaces" : $"namespace {scope}";
}
