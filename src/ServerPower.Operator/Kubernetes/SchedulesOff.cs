using ServerPower.Api.Resources;

namespace ServerPower.Operator.Kubernetes;

/// <summary>
/// No PowerSchedules: a ServerPower with spec.state Scheduled finds none, so its decision says the schedule was not
/// evaluated and sends nothing. Nothing reconciles a PowerSchedule with it, so its status is never written.
/// </summary>
public sealed class SchedulesOff : IScheduleClient
{
    public static SchedulesOff Instance { get; } = new();

    public Task<PowerScheduleResource?> GetScheduleAsync(string ns, string name, CancellationToken cancellationToken) =>
        Task.FromResult<PowerScheduleResource?>(null);

    public Task<PowerScheduleResource> PatchScheduleStatusAsync(PowerScheduleResource schedule, PowerScheduleStatus status, CancellationToken cancellationToken) =>
        throw new NotSupportedException("schedules are off: no PowerSchedule status is written");
}
