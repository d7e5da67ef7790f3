using ServerPower.Api.Resources;
using ServerPower.Operator.Kubernetes;

namespace ServerPower.Systematic.Tests;

/// <summary>
/// A replica's API calls, frozen as <see cref="RecordingProvider"/> freezes its actions: until calm, one call in
/// eight freezes for 5 s up to <see cref="Pause"/>, deaf to its token (a paused process), before the request reaches
/// the API (it is then sent late, from a view that may be long stale) or after it was applied (its answer comes back
/// late: a write landed, and the replica goes on only much later). A leader frozen there may lose its lease
/// (<see cref="Frozen"/>), so its late writes meet what the new leader wrote.
/// </summary>
internal sealed class FreezingClient(IResourceClient inner, DeterministicScheduler scheduler, TimeProvider time) : IResourceClient
{
    /// <summary>The longest freeze (zero: none).</summary>
    public TimeSpan Pause { get; init; }

    /// <summary>Once set, no call freezes.</summary>
    public bool Calm { get; set; }

    /// <summary>Told when a call freezes.</summary>
    public Action? Frozen { get; set; }

    public Task<ServerPowerResource?> GetLiveAsync(string ns, string name, CancellationToken cancellationToken) =>
        CallAsync(() => inner.GetLiveAsync(ns, name, cancellationToken));

    public Task<ServerPowerResource?> GetServerAsync(string ns, string name, CancellationToken cancellationToken) =>
        CallAsync(() => inner.GetServerAsync(ns, name, cancellationToken));

    public Task<PowerProviderResource?> GetProviderAsync(string ns, string name, CancellationToken cancellationToken) =>
        CallAsync(() => inner.GetProviderAsync(ns, name, cancellationToken));

    public Task<string?> GetSecretValueAsync(string ns, string name, string key, CancellationToken cancellationToken) =>
        CallAsync(() => inner.GetSecretValueAsync(ns, name, key, cancellationToken));

    public Task<ServerPowerResource> PatchServerStatusAsync(ServerPowerResource server, ServerPowerStatus status, bool requireResourceVersion,
        CancellationToken cancellationToken) =>
        CallAsync(() => inner.PatchServerStatusAsync(server, status, requireResourceVersion, cancellationToken));

    public Task<ServerPowerResource> SetServerFinalizersAsync(ServerPowerResource server, IReadOnlyList<string> finalizers,
        CancellationToken cancellationToken) =>
        CallAsync(() => inner.SetServerFinalizersAsync(server, finalizers, cancellationToken));

    public Task<PowerProviderResource> PatchProviderStatusAsync(PowerProviderResource provider, PowerProviderStatus status,
        CancellationToken cancellationToken) =>
        CallAsync(() => inner.PatchProviderStatusAsync(provider, status, cancellationToken));

    private async Task<T> CallAsync<T>(Func<Task<T>> call)
    {
        var choices = scheduler.Choices;
        var pause = !Calm && Pause > TimeSpan.Zero && choices.Next(8) == 0
            ? TimeSpan.FromSeconds(5 + choices.Next((int)Pause.TotalSeconds - 4)) : TimeSpan.Zero;
        if (pause == TimeSpan.Zero) return await call();
        Frozen?.Invoke();
        var before = choices.Next(2) == 0;
        if (before) await scheduler.DelayAsync(time, pause, CancellationToken.None);
        var result = await call();
        if (!before) await scheduler.DelayAsync(time, pause, CancellationToken.None);
        return result;
    }
}
