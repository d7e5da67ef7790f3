using ServerPower.Api.Resources;
using ServerPower.Operator.Decision;
using ServerPower.Runtime;

namespace ServerPower.Operator.Probing;

/// <summary>
/// What the reconcilers need of readiness probing: say what to probe for a server, and learn what the decision should
/// know of its probe. <see cref="ReadinessProber"/> probes; <see cref="ReadinessProbesOff"/> is --readiness-probes=false.
/// Hosting registers exactly one of them, so whether probes run is chosen there, not by a missing constructor argument.
/// </summary>
public interface IReadinessProbes
{
    /// <summary>
    /// Probes <paramref name="key"/> with <paramref name="probe"/>, counting from <paramref name="since"/>; null stops
    /// probing it and forgets its results.
    /// </summary>
    void Track(ObjectKey key, ReadinessProbeSpec? probe, DateTimeOffset? since);

    /// <summary>What the decision learns of the server's <paramref name="probe"/> counted from <paramref name="since"/>; null when probes are off.</summary>
    ReadinessView? View(ObjectKey key, ReadinessProbeSpec probe, DateTimeOffset? since);
}
