using ServerPower.Api.Resources;
using ServerPower.Api.Vocabulary;

namespace ServerPower.Operator.Decision;

/// <summary>
/// The readiness probe's part of the decision. A probe applies while the effective desired state is Running; it only
/// counts since the server's last start (<see cref="ServerPowerDecider.ProbeSince"/>), so after a restart the server is
/// not Ready until the probe passes again.
/// </summary>
internal static class ReadinessRules
{
    /// <summary>The probe applies to this decision: declared, probes on, and the effective desired state Running.</summary>
    public static bool Applies(Draft d) => d.Input.Readiness is not null && d.Desired == DesiredPowerState.Running;

    /// <summary>
    /// The prober runs this server's probe: it applies, its target as written may be probed, and the server is not
    /// suspended. Counted from the last start (<see cref="ServerPowerDecider.ProbeSince"/>).
    /// </summary>
    public static bool Probed(Draft d) => Applies(d) && d.Input.Readiness!.NotAllowed is null && !d.Input.Server.Spec.Suspend;

    /// <summary>The snapshot, when it counts from the server's last start; otherwise null (no result since the start).</summary>
    public static ProbeSnapshot? Current(Draft d)
    {
        var snapshot = d.Input.Readiness?.Snapshot;
        return snapshot is not null && snapshot.Since == ServerPowerDecider.ProbeSince(d.Input.Server.Status, d.Blind) ? snapshot : null;
    }

    /// <summary>
    /// Why the probe may not run: its target as written (checked before probing), or, after a probe connected nowhere,
    /// the outbound policy's rule that refused the address its target resolved to.
    /// </summary>
    private static string? NotAllowed(Draft d) => d.Input.Readiness!.NotAllowed ?? Current(d)?.Refused;

    /// <summary>
    /// status.probe: the last result while the probe applies, else absent. A run of equal results keeps the recorded
    /// entry (and its time), so a steady server costs no status write.
    /// </summary>
    public static void Record(Draft d)
    {
        if (!Applies(d) || NotAllowed(d) is not null || Current(d) is not { LastResult: { } result } snapshot)
        {
            d.Status = d.Status with { Probe = null };
            return;
        }
        var threshold = d.Input.Server.Spec.ReadinessProbe?.FailureThreshold ?? ReadinessProbeSpec.DefaultFailureThreshold;
        var entry = new ProbeStatus
        {
            LastResult = result,
            LastProbeTime = Api.Serialization.KubeTimeConverter.Truncate(snapshot.LastProbeTime ?? d.Input.Now),
            ConsecutiveFailures = Math.Min(snapshot.ConsecutiveFailures, threshold),
            Message = Text.BoundOrNull(snapshot.Message),
        };
        var stored = d.Input.Server.Status?.Probe;
        d.Status = d.Status with
        {
            Probe = stored is not null && stored.LastResult == entry.LastResult && stored.ConsecutiveFailures == entry.ConsecutiveFailures
                && stored.Message == entry.Message ? stored : entry,
        };
    }

    /// <summary>
    /// Sets Ready for a server whose provider reports the declared state. Without an applicable probe: True with
    /// <paramref name="reason"/>. With one: True only when it passes; otherwise ProbePending or ProbeFailing.
    /// </summary>
    public static void Ready(Draft d, string reason, string message)
    {
        if (!Applies(d))
        {
            d.Ready(true, reason, message);
            return;
        }
        var spec = d.Input.Server.Spec.ReadinessProbe ?? new ReadinessProbeSpec();
        if (NotAllowed(d) is { } notAllowed)
        {
            d.Synced(false, Reasons.EndpointNotAllowed, $"readiness probe: {notAllowed}");
            d.Ready(false, Reasons.ProbeFailing, $"{message}, but its readiness probe may not run: {notAllowed}");
            return;
        }
        var snapshot = Current(d);
        switch (snapshot?.Verdict)
        {
            case ProbeVerdict.Passing:
                d.Ready(true, reason, $"{message}; its readiness probe passes");
                return;
            case ProbeVerdict.Failing:
                d.Ready(false, Reasons.ProbeFailing,
                    $"{message}, but its readiness probe failed {Math.Min(snapshot.ConsecutiveFailures, spec.FailureThreshold)} times in a row: {snapshot.Message}");
                return;
        }
        var passes = snapshot?.LastResult == ProbeResult.Success ? Math.Min(snapshot.ConsecutiveSuccesses, spec.SuccessThreshold) : 0;
        var last = snapshot is { LastResult: ProbeResult.Failure } ? $" (last probe failed: {snapshot.Message})" : "";
        d.Ready(false, Reasons.ProbePending,
            $"{message}; waiting for its readiness probe to pass ({passes} of {spec.SuccessThreshold} since the start){last}");
    }
}
