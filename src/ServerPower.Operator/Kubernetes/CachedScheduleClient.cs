using ServerPower.Api.Resources;
using ServerPower.Runtime;

namespace ServerPower.Operator.Kubernetes;

/// <summary>
/// Reads PowerSchedules from the informer's cache; status writes go to <paramref name="inner"/>. Cached objects are
/// shared: callers must not modify them.
/// </summary>
public sealed class CachedScheduleClient(IScheduleClient inner, ICacheReader cache) : IScheduleClient
{
    public Task<PowerScheduleResource?> GetScheduleAsync(string ns, string name, CancellationToken cancellationToken) =>
        Task.FromResult(cache.Get<PowerScheduleResource>(new ObjectKey(ns, name)));

    public Task<PowerScheduleResource> PatchScheduleStatusAsync(PowerScheduleResource schedule, PowerScheduleStatus status, CancellationToken cancellationToken) =>
        inner.PatchScheduleStatusAsync(schedule, status, cancellationToken);
}
