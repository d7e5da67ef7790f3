using ServerPower.Api.Resources;
using ServerPower.Api.Serialization;
using ServerPower.Operator.Kubernetes;

namespace ServerPower.Simulation.Tests.Harness;

/// <summary>
/// The PowerSchedules the API server holds, behind <see cref="IScheduleClient"/> as the reconciler uses it: objects
/// round-trip through JSON, a read is an await where the reconcile can be overtaken (and can meet a 503).
/// </summary>
internal sealed class SimSchedules(SimContext sim, FiberScheduler fibers, FaultPlan faults) : IScheduleClient
{
    private readonly Dictionary<(string Ns, string Name), string> schedules = [];
    private long version = 1;

    /// <summary>A PowerSchedule was created, changed or deleted (the controller re-evaluates the servers that follow it).</summary>
    public Action<string, string>? Changed { get; set; }

    public PowerScheduleResource? Schedule(string ns, string name) =>
        schedules.TryGetValue((ns, name), out var json) ? ApiJson.Deserialize<PowerScheduleResource>(json) : null;

    public void Put(PowerScheduleResource schedule)
    {
        schedule.Metadata.ResourceVersion = (++version).ToString(System.Globalization.CultureInfo.InvariantCulture);
        schedule.Metadata.Generation ??= 1;
        schedules[(schedule.Metadata.NamespaceProperty, schedule.Metadata.Name)] = ApiJson.Serialize(schedule);
        Changed?.Invoke(schedule.Metadata.NamespaceProperty, schedule.Metadata.Name);
    }

    public void Delete(string ns, string name)
    {
        if (schedules.Remove((ns, name))) Changed?.Invoke(ns, name);
    }

    public async Task<PowerScheduleResource?> GetScheduleAsync(string ns, string name, CancellationToken cancellationToken)
    {
        var fiber = await fibers.ParkAsync("kube get schedule", TimeSpan.FromMilliseconds(sim.Rng.Next(2, 30)), cancellationToken);
        if (faults.Kube(faults.KubeError))
        {
            sim.Fault($"{fiber.Name}: kube get PowerSchedule → 503");
            throw new SimKubeException(503, "get PowerSchedule: the API server is unavailable");
        }
        return Schedule(ns, name);
    }

    public Task<PowerScheduleResource> PatchScheduleStatusAsync(PowerScheduleResource schedule, PowerScheduleStatus status, CancellationToken cancellationToken) =>
        throw new NotSupportedException("the simulation runs the ServerPower reconciler only");
}
