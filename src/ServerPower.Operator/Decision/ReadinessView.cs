using ServerPower.Api.Resources;

namespace ServerPower.Operator.Decision;

/// <summary>Where one server's readiness probe stands: Pending until it passes, Failing after failureThreshold failures.</summary>
public enum ProbeVerdict { Pending, Passing, Failing }

/// <summary>
/// What the prober knows of one server's probe since <paramref name="Since"/> (the start it counts from, see
/// <see cref="ServerPowerDecider.ProbeSince"/>). Counts are of the current run of equal results. <paramref name="Refused"/>:
/// the last probe connected nowhere because the operator's outbound policy refused its target (the rule, in words).
/// </summary>
public sealed record ProbeSnapshot(
    DateTimeOffset? Since,
    ProbeVerdict Verdict,
    ProbeResult? LastResult,
    DateTimeOffset? LastProbeTime,
    int ConsecutiveSuccesses,
    int ConsecutiveFailures,
    string? Message,
    string? Refused = null);

/// <summary>
/// Given to the decision when the server has spec.readinessProbe and probes are on. <paramref name="Snapshot"/> is null
/// while no probe counted since the start; <paramref name="NotAllowed"/> says why the operator may not probe the target.
/// </summary>
public sealed record ReadinessView(ProbeSnapshot? Snapshot, string? NotAllowed = null);
