using ServerPower.Api.Vocabulary;

namespace ServerPower.Operator.Decision;

/// <summary>
/// What the rules of one decision report about Synced and Ready, kept as findings and resolved once when the decision
/// ends, so that the conditions do not depend on the order in which the rules ran:
/// <list type="bullet">
/// <item>Synced is False when any failure was reported: its reason is the one ranked first by <see cref="SyncedRank"/>,
/// its message every distinct failure's message in that order (by text within a reason). Without a failure it is the one
/// success reported (a second success throws, as a second Ready verdict does); without either the stored condition
/// stays.</item>
/// <item>Ready is the one verdict reported; without one the stored condition stays. A second verdict is a defect in
/// the rules (two of them decided the same server's readiness) and throws.</item>
/// </list>
/// </summary>
internal sealed class ConditionFindings
{
    /// <summary>
    /// Synced's failure reasons, the one that keeps the most from happening first: another ServerPower owns the server;
    /// no provider, credentials or schedule; the provider refuses or cannot be reached; then a part of the spec that
    /// cannot be used. A reason not listed comes after these, by name.
    /// </summary>
    public static readonly string[] SyncedRank =
    [
        Reasons.ServerConflict, Reasons.ProviderNotFound, Reasons.CredentialsMissing, Reasons.ScheduleNotFound,
        Reasons.Unauthorized, Reasons.ServerNotFound, Reasons.RateLimited, Reasons.ProviderUnavailable, Reasons.Unsupported,
        Reasons.EndpointNotAllowed, Reasons.InvalidSpec,
    ];

    private readonly HashSet<Finding> syncFailures = [];
    private Finding? syncSuccess;
    private Finding? ready;

    public void Synced(Finding finding)
    {
        if (!finding.Status) syncFailures.Add(finding);
        else if (syncSuccess is null) syncSuccess = finding;
        else throw new InvalidOperationException($"Synced success reported twice in one decision: \"{syncSuccess.Message}\", then \"{finding.Message}\"");
    }

    /// <summary>The failures reported to <see cref="Synced"/> so far.</summary>
    public IReadOnlyList<Finding> SyncedFailures => [.. syncFailures];

    public void Ready(Finding finding)
    {
        if (ready is not null)
            throw new InvalidOperationException($"Ready decided twice in one decision: {ready.Reason} \"{ready.Message}\", then {finding.Reason} \"{finding.Message}\"");
        ready = finding;
    }

    /// <summary>Synced as resolved from the findings; null when none was reported (the stored condition stays).</summary>
    public Finding? ResolvedSynced()
    {
        if (syncFailures.Count == 0) return syncSuccess;
        var ordered = syncFailures.OrderBy(f => Rank(f.Reason)).ThenBy(f => f.Reason, StringComparer.Ordinal)
            .ThenBy(f => f.Message, StringComparer.Ordinal).ToList();
        return new Finding(false, ordered[0].Reason, string.Join("; ", ordered.Select(f => f.Message).Distinct()));
    }

    /// <summary>The Ready verdict; null when none was reported (the stored condition stays).</summary>
    public Finding? ResolvedReady() => ready;

    private static int Rank(string reason) => Array.IndexOf(SyncedRank, reason) is var i and >= 0 ? i : SyncedRank.Length;
}
