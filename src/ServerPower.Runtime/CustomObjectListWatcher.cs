using System.Net;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace ServerPower.Runtime;

/// <summary>
/// <see cref="IListWatcher{T}"/> for a custom resource over KubernetesClient's CustomObjects API.
/// LIST is paged (<c>limit</c>/<c>continue</c>). WATCH is <c>List…CustomObjectWithHttpMessagesAsync(watch: true,
/// resourceVersion, allowWatchBookmarks: true, timeoutSeconds, labelSelector)</c> read with
/// <c>WatchAsync&lt;T, object&gt;</c>, the only client API that resumes from a resourceVersion.
/// Both LIST and WATCH bodies are deserialized by KubernetesJson, which our resource types support through their
/// own attributes (string enums, <c>KubeTimeConverter</c>); a test pins that. A <c>Status</c> line reaches
/// <c>onError</c> as a <see cref="KubernetesException"/>: 410 becomes <see cref="WatchEventKind.Expired"/>, anything else
/// (including a line that fails to deserialize) ends the stream with that exception, so no event is lost silently.
/// </summary>
public sealed class CustomObjectListWatcher<T> : IListWatcher<T> where T : class, IKubernetesObject<V1ObjectMeta>
{
    private readonly IKubernetes client;
    private readonly string group;
    private readonly string version;
    private readonly string plural;
    private readonly string? labelSelector;
    private readonly int pageSize;

    public CustomObjectListWatcher(IKubernetes client, string group, string version, string plural,
        string? labelSelector = null, int pageSize = 500)
    {
        this.client = client;
        this.group = group;
        this.version = version;
        this.plural = plural;
        this.labelSelector = string.IsNullOrWhiteSpace(labelSelector) ? null : labelSelector;
        this.pageSize = pageSize;
    }

    public async Task<ListPage<T>> ListAsync(string? @namespace, string? continueToken, CancellationToken cancellationToken)
    {
        // Stryker disable once Boolean : the runtime has no synchronization context, so both resume on the thread pool
        using var response = @namespace is null
            ? await client.CustomObjects.ListClusterCustomObjectWithHttpMessagesAsync<CustomResourceList<T>>(
                group, version, plural, continueParameter: continueToken, labelSelector: labelSelector, limit: pageSize,
                cancellationToken: cancellationToken).ConfigureAwait(false)
            : await client.CustomObjects.ListNamespacedCustomObjectWithHttpMessagesAsync<CustomResourceList<T>>(
                group, version, @namespace, plural, continueParameter: continueToken, labelSelector: labelSelector,
                limit: pageSize, cancellationToken: cancellationToken).ConfigureAwait(false);
        var body = response.Body;
        return new ListPage<T>(body?.Items ?? [], body?.Metadata?.ResourceVersion ?? "", body?.Metadata?.ContinueProperty);
    }

    public async IAsyncEnumerable<WatchEvent<T>> WatchAsync(string? @namespace, string resourceVersion, TimeSpan timeout,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Exception? failure = null;
        void OnError(Exception e)
        {
            // Stryker disable once Assignment : the client reports one error per watch at most: this cancels stop, checked after every line
            failure ??= e;
            stop.Cancel();
        }

        var seconds = Math.Max(1, (int)Math.Ceiling(timeout.TotalSeconds));
        var request = @namespace is null
            ? client.CustomObjects.ListClusterCustomObjectWithHttpMessagesAsync(group, version, plural,
                allowWatchBookmarks: true, labelSelector: labelSelector, resourceVersion: resourceVersion,
                timeoutSeconds: seconds, watch: true, cancellationToken: stop.Token)
            : client.CustomObjects.ListNamespacedCustomObjectWithHttpMessagesAsync(group, version, @namespace, plural,
                allowWatchBookmarks: true, labelSelector: labelSelector, resourceVersion: resourceVersion,
                timeoutSeconds: seconds, watch: true, cancellationToken: stop.Token);
#pragma warning disable CS0618 // obsolete, but the only watch that resumes from a resourceVersion
        var events = request.WatchAsync<T, object>(OnError, stop.Token).GetAsyncEnumerator(stop.Token);
#pragma warning restore CS0618
        var expired = false;
        try
        {
            while (true)
            {
                // Assigned here, not only in the try, so that a mutation tester removing a statement still compiles.
                WatchEvent<T>? next = null;
                try
                {
                    // Stryker disable once Boolean : the runtime has no synchronization context, so both resume on the thread pool
                    var more = await events.MoveNextAsync().ConfigureAwait(false);
                    if (!more) break;
                    next = Map(events.Current.Item1, events.Current.Item2);
                }
                catch (Exception) when (failure is not null && !cancellationToken.IsCancellationRequested)
                // Stryker disable once Block : the client's enumerator is finished once it threw: the next MoveNextAsync returns false
                {
                    // onError cancelled the request; the failure it recorded is what counts
                    // Stryker disable once Statement : the client's enumerator is finished once it threw: the next MoveNextAsync returns false
                    break;
                }
                catch (HttpOperationException e) when (e.Response?.StatusCode == HttpStatusCode.Gone)
                {
                    expired = true;
                    // Stryker disable once Statement : the client's enumerator is finished once it threw: the next MoveNextAsync returns false
                    break;
                }
                if (next is not null) yield return next;
            }
        }
        finally
        {
            // Stryker disable once Boolean : the runtime has no synchronization context, so both resume on the thread pool
            await events.DisposeAsync().ConfigureAwait(false);
        }
        if (expired || failure is KubernetesException { Status.Code: 410 })
        {
            yield return new WatchEvent<T>(WatchEventKind.Expired, null);
            yield break;
        }
        if (failure is not null) ExceptionDispatchInfo.Throw(failure);
    }

    private static WatchEvent<T> Map(WatchEventType type, T obj) => type switch
    {
        WatchEventType.Added => new(WatchEventKind.Added, obj),
        WatchEventType.Modified => new(WatchEventKind.Modified, obj),
        WatchEventType.Deleted => new(WatchEventKind.Deleted, obj),
        WatchEventType.Bookmark => new(WatchEventKind.Bookmark, obj),
        _ => throw new KubernetesException($"unexpected watch event type {type}"),
    };
}
