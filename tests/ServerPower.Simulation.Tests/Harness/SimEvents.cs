using k8s;
using k8s.Models;
using ServerPower.Operator.Kubernetes;

namespace ServerPower.Simulation.Tests.Harness;

/// <summary>The event edge: an await like any other (a crash can land there), and a trace line.</summary>
internal sealed class SimEvents(SimContext sim, FiberScheduler fibers) : IEventRecorder
{
    public async Task RecordAsync(IKubernetesObject<V1ObjectMeta> regarding, bool warning, string reason, string message, CancellationToken cancellationToken)
    {
        var fiber = await fibers.ParkAsync("event", TimeSpan.FromMilliseconds(sim.Rng.Next(1, 20)), cancellationToken);
        sim.Log($"{fiber.Name}: event {(warning ? "Warning" : "Normal")} {reason}: {message}");
    }
}
