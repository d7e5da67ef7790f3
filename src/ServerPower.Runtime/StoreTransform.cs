namespace ServerPower.Runtime;

/// <summary>
/// Applied to each object before the informer's cache stores it (controller-runtime's cache transform): a kind's
/// registration can make the cached copy smaller, for example by sharing the strings many objects repeat. It must keep
/// every value a reader of the cache sees; it runs on the informer's thread, once per object and event.
/// </summary>
public sealed record StoreTransform<T>(Func<T, T> Apply);
