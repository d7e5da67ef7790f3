using ServerPower.Api.Resources;
using ServerPower.Runtime;

namespace ServerPower.Operator.Kubernetes;

/// <summary>
/// Reads ServerPower and PowerProvider from the informers' caches instead of the API server; everything else (Secrets,
/// writes) goes to <paramref name="inner"/>. A cached object may lag behind the server: every write decided from it is
/// checked against its resourceVersion, so a stale view costs a conflict and a requeue, never a wrong action.
/// Objects outside the operator's namespaces or label selector are not in the caches, so they are never reconciled,
/// even when a label change moves one away while it is queued.
/// Cached objects are shared: callers must not modify them (reconcilers only read them and write through patches).
/// </summary>
public sealed class CachedResourceClient(IResourceClient inner, ICacheReader cache)
    : IResourceClient
{
    public Task<ServerPowerResource?> GetServerAsync(string ns, string name, CancellationToken cancellationToken) =>
        Task.FromResult(cache.Get<ServerPowerResource>(new ObjectKey(ns, name)));

    public Task<ServerPowerResource?> GetLiveAsync(string ns, string name, CancellationToken cancellationToken) =>
        inner.GetLiveAsync(ns, name, cancellationToken);

    public Task<PowerProviderResource?> GetProviderAsync(string ns, string name, CancellationToken cancellationToken) =>
        Task.FromResult(cache.Get<PowerProviderResource>(new ObjectKey(ns, name)));

    public Task<string?> GetSecretValueAsync(string ns, string name, string key, CancellationToken cancellationToken) =>
        inner.GetSecretValueAsync(ns, name, key, cancellationToken);

    public Task<ServerPowerResource> PatchServerStatusAsync(ServerPowerResource server, ServerPowerStatus status, bool requireResourceVersion, CancellationToken cancellationToken) =>
        inner.PatchServerStatusAsync(server, status, requireResourceVersion, cancellationToken);

    public Task<ServerPowerResource> SetServerFinalizersAsync(ServerPowerResource server, IReadOnlyList<string> finalizers, CancellationToken cancellationToken) =>
        inner.SetServerFinalizersAsync(server, finalizers, cancellationToken);

    public Task<PowerProviderResource> PatchProviderStatusAsync(PowerProviderResource provider, PowerProviderStatus status, CancellationToken cancellationToken) =>
        inner.PatchProviderStatusAsync(provider, status, cancellationToken);
}
