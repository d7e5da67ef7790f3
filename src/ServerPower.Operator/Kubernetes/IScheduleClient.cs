using ServerPower.Api.Resources;

namespace ServerPower.Operator.Kubernetes;

/// <summary>The PowerSchedule reads and writes the reconcilers need.</summary>
public interface IScheduleClient
{
    Task<PowerScheduleResource?> GetScheduleAsync(string ns, string name, CancellationToken cancellationToken);

    /// <summary>Merge-patches status from <paramref name="schedule"/>'s current status to <paramref name="status"/>.</summary>
    Task<PowerScheduleResource> PatchScheduleStatusAsync(PowerScheduleResource schedule, PowerScheduleStatus status, CancellationToken cancellationToken);
}
