using ServerPower.Api.Resources;
using ServerPower.Operator.Decision;
using ServerPower.Runtime;

namespace ServerPower.Operator.Probing;

/// <summary>--readiness-probes=false: nothing is probed, and the decision sees no probe (as for a server without one).</summary>
public sealed class ReadinessProbesOff : IReadinessProbes
{
    public static ReadinessProbesOff Instance { get; } = new();

    public void Track(ObjectKey key, ReadinessProbeSpec? probe, DateTimeOffset? since)
    {
    }

    public ReadinessView? View(ObjectKey key, ReadinessProbeSpec probe, DateTimeOffset? since) => null;
}
