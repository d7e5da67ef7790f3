using k8s.Models;
using ServerPower.Api.Resources;
using ServerPower.Api.Serialization;
using ServerPower.Operator.Kubernetes;

namespace ServerPower.Operator.Tests.Reconciliation;

/// <summary>PowerSchedules in memory behind <see cref="IScheduleClient"/>: objects round-trip through JSON, status writes are counted.</summary>
public sealed class InMemoryScheduleClient : IScheduleClient
{
    private readonly Dictionary<(string, string), string> schedules = [];
    private long version = 1;

    public int StatusWrites { get; private set; }

    public void Put(PowerScheduleResource schedule)
    {
        schedule.Metadata.ResourceVersion = (++version).ToString(System.Globalization.CultureInfo.InvariantCulture);
        schedule.Metadata.Generation ??= 1;
        schedules[(schedule.Metadata.NamespaceProperty, schedule.Metadata.Name)] = ApiJson.Serialize(schedule);
    }

    public void Remove(string ns, string name) => schedules.Remove((ns, name));

    public PowerScheduleResource Schedule(string ns, string name) => ApiJson.Deserialize<PowerScheduleResource>(schedules[(ns, name)])!;

    public Task<PowerScheduleResource?> GetScheduleAsync(string ns, string name, CancellationToken cancellationToken) =>
        Task.FromResult(schedules.TryGetValue((ns, name), out var json) ? ApiJson.Deserialize<PowerScheduleResource>(json) : null);

    public Task<PowerScheduleResource> PatchScheduleStatusAsync(PowerScheduleResource schedule, PowerScheduleStatus status, CancellationToken cancellationToken)
    {
        StatusWrites++;
        var stored = Schedule(schedule.Metadata.NamespaceProperty, schedule.Metadata.Name);
        stored.Status = status;
        Put(stored);
        return Task.FromResult(Schedule(stored.Metadata.NamespaceProperty, stored.Metadata.Name));
    }

    public static PowerScheduleResource Make(string ns, string name, PowerScheduleSpec spec) =>
        new() { Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns }, Spec = spec };
}
