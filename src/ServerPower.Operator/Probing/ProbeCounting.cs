using ServerPower.Api.Resources;
using ServerPower.Operator.Decision;

namespace ServerPower.Operator.Probing;

/// <summary>
/// How results add up, as the kubelet counts a Pod's readiness probe: successThreshold passes in a row make it Passing,
/// failureThreshold failures in a row make it Failing, anything in between keeps the verdict it had (Pending at first).
/// </summary>
public static class ProbeCounting
{
    public static ProbeSnapshot Fresh(DateTimeOffset? since) => new(since, ProbeVerdict.Pending, null, null, 0, 0, null);

    /// <param name="refused">The outbound policy's rule when the probe was refused before connecting; null otherwise.</param>
    public static ProbeSnapshot Apply(ProbeSnapshot snapshot, ReadinessProbeSpec probe, bool success, string message, DateTimeOffset at,
        string? refused = null)
    {
        var successes = success ? snapshot.ConsecutiveSuccesses + 1 : 0;
        var failures = success ? 0 : snapshot.ConsecutiveFailures + 1;
        var verdict = successes >= probe.SuccessThreshold ? ProbeVerdict.Passing
            : failures >= probe.FailureThreshold ? ProbeVerdict.Failing
            : snapshot.Verdict;
        return snapshot with
        {
            Verdict = verdict,
            LastResult = success ? ProbeResult.Success : ProbeResult.Failure,
            LastProbeTime = at,
            ConsecutiveSuccesses = successes,
            ConsecutiveFailures = failures,
            Message = message,
            Refused = success ? null : refused,
        };
    }

    /// <summary>
    /// What the server's status and conditions show of a snapshot. Counts stop at their thresholds, so a steady probe
    /// (passing or failing) changes nothing after the first results and costs no reconcile.
    /// </summary>
    public static object Shown(ProbeSnapshot s, ReadinessProbeSpec probe) =>
        (s.Since, s.Verdict, s.LastResult, Math.Min(s.ConsecutiveSuccesses, probe.SuccessThreshold),
            Math.Min(s.ConsecutiveFailures, probe.FailureThreshold), s.Message, s.Refused);
}
