namespace ServerPower.Runtime;

/// <summary>LIST and WATCH of one kind; a null namespace means all namespaces. A label selector is the implementation's.</summary>
public interface IListWatcher<T> where T : class
{
    Task<ListPage<T>> ListAsync(string? @namespace, string? continueToken, CancellationToken cancellationToken);

    /// <summary>
    /// Watches from <paramref name="resourceVersion"/>; the server ends the stream after about <paramref name="timeout"/>.
    /// A 410 Expired is one <see cref="WatchEventKind.Expired"/> event; other failures throw.
    /// </summary>
    IAsyncEnumerable<WatchEvent<T>> WatchAsync(string? @namespace, string resourceVersion, TimeSpan timeout,
        CancellationToken cancellationToken);
}
