using ServerPower.Api.Resources;
using ServerPower.Operator.Probing;

namespace ServerPower.Simulation.Tests.Harness;

/// <summary>
/// A readiness probe's answer from the simulated world: the probe names its ServerPower (<see cref="FlowHosts"/>), and
/// passes when the server that object declares now runs and its service is up. Only reads (it runs on a pool thread
/// while the agenda waits for it).
/// </summary>
internal sealed class SimProbeRunner(SimKube kube, ProviderWorld world) : IProbeRunner
{
    public Task<ProbeAttempt> RunAsync(ReadinessProbeSpec probe, CancellationToken cancellationToken)
    {
        var server = FlowHosts.ServerOf(kube, world, probe.TcpSocket?.Host ?? "");
        var success = server is { Gone: false, Power: PowerState.Running, ServiceUp: true };
        return Task.FromResult(new ProbeAttempt(success, success ? "connected" : "connection refused", TimeSpan.FromMilliseconds(5)));
    }
}
