using ServerPower.Api.Resources;

namespace ServerPower.Operator.Probing;

/// <summary>Runs one readiness probe, honouring its timeoutSeconds; never throws for the target's failures.</summary>
public interface IProbeRunner
{
    Task<ProbeAttempt> RunAsync(ReadinessProbeSpec probe, CancellationToken cancellationToken);
}
