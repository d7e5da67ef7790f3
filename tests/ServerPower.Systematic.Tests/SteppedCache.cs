using k8s;
using k8s.Models;
using ServerPower.Api.Resources;
using ServerPower.Runtime;

namespace ServerPower.Systematic.Tests;

/// <summary>
/// The operator's <see cref="ICacheReader"/> over the scenario's ServerPower informer (and its one PowerProvider, which
/// never changes, so it has no informer), read by the real CachedResourceClient and CachedServerIdLookup. Only
/// <see cref="CaughtUpAsync{T}"/> differs from the product's <see cref="CacheReader"/>: the informer's own wait
/// resumes on the thread pool (its progress signal runs continuations asynchronously, and its timeout is a cancelled
/// Task.Delay on the TimeProvider), so here the same wait (until the cache has seen the version, or the timeout passed)
/// is woken by a step: each informer event, the timer and the caller's cancellation dispatch one.
/// </summary>
internal sealed class SteppedCache(Informer<ServerPowerResource> servers, PowerProviderResource provider, DeterministicScheduler scheduler,
    TimeProvider time) : ICacheReader, IResourceEventHandler<ServerPowerResource>
{
    private readonly List<TaskCompletionSource> waiters = [];

    public T? Get<T>(ObjectKey key) where T : class, IKubernetesObject<V1ObjectMeta>
    {
        if (typeof(T) == typeof(PowerProviderResource))
            return key == ObjectKey.From(provider.Metadata) ? (T)(object)provider : null;
        var server = servers.Store.Get(key);
        return (T?)(object?)server;
    }

    public IReadOnlyList<T> List<T>() where T : class, IKubernetesObject<V1ObjectMeta> => Servers<T>().Store.List();

    public IReadOnlyList<T> ByIndex<T>(string index, string value) where T : class, IKubernetesObject<V1ObjectMeta> =>
        Servers<T>().Store.ByIndex(index, value);

    public bool HasSynced<T>() where T : class, IKubernetesObject<V1ObjectMeta> => Servers<T>().HasSynced;

    public async Task<bool> CaughtUpAsync<T>(string @namespace, string resourceVersion, TimeSpan timeout, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var deadline = time.GetUtcNow() + timeout;
        while (true)
        {
            if (servers.ResourceVersion() is { } current)
            {
                if (ResourceVersions.AtLeast(current, resourceVersion) is not { } atLeast) return false;
                if (atLeast) return true;
            }
            var left = deadline - time.GetUtcNow();
            if (left <= TimeSpan.Zero) return false;
            var woken = new TaskCompletionSource();
            waiters.Add(woken);
            using (time.CreateTimer(_ => scheduler.Dispatch(() => woken.TrySetResult()), null, left, Timeout.InfiniteTimeSpan))
            using (cancellationToken.Register(() => scheduler.Dispatch(() => woken.TrySetResult())))
            {
                await woken.Task;
            }
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    public void OnAdd(ServerPowerResource obj, bool relist) => WakeAll();

    public void OnUpdate(ServerPowerResource oldObj, ServerPowerResource newObj, bool relist) => WakeAll();

    public void OnDelete(ServerPowerResource obj) => WakeAll();

    /// <summary>The informer sets its version right after calling its handlers, in the same step: a woken wait sees it.</summary>
    private void WakeAll()
    {
        if (waiters.Count == 0) return;
        var woken = waiters.ToList();
        waiters.Clear();
        scheduler.Dispatch(() => woken.ForEach(w => w.TrySetResult()));
    }

    private Informer<T> Servers<T>() where T : class, IKubernetesObject<V1ObjectMeta> =>
        servers as Informer<T> ?? throw new NotSupportedException($"the scenario caches ServerPowers only, not {typeof(T).Name}");
}
