using ServerPower.Api.Resources;

namespace ServerPower.Operator.Decision;

/// <summary>
/// The outcome of deciding: one of a closed set, which the reconciler switches on. Each writes <see cref="Status"/>
/// and records <see cref="Events"/>; what follows is the case's own. A new rule returns one of these cases (with its
/// own condition and event reasons); a new kind of follow-up is a new case here and one arm in the reconciler.
/// </summary>
public abstract record Decision
{
    private Decision(ServerPowerStatus status, IReadOnlyList<DecisionEvent> events)
    {
        Status = status;
        Events = events;
    }

    public ServerPowerStatus Status { get; init; }
    public IReadOnlyList<DecisionEvent> Events { get; init; }

    /// <summary>Nothing to send now: come back after <paramref name="After"/> (null: at the resync).</summary>
    public sealed record Wait(ServerPowerStatus Status, IReadOnlyList<DecisionEvent> Events, TimeSpan? After) : Decision(Status, Events);

    /// <summary>A transient failure: come back with the work queue's exponential backoff.</summary>
    public sealed record Retry(ServerPowerStatus Status, IReadOnlyList<DecisionEvent> Events) : Decision(Status, Events);

    /// <summary>
    /// Send <paramref name="Action"/>: <see cref="Status"/> records it as being sent and is written first, checked
    /// against the resourceVersion decided from; the provider's answer is then decided by
    /// <see cref="ServerPowerDecider.AfterAction"/>.
    /// </summary>
    public sealed record Send(ServerPowerStatus Status, IReadOnlyList<DecisionEvent> Events, PlannedAction Action) : Decision(Status, Events)
    {
        /// <summary>The Synced failures this decision found: the answer's decision reports them too.</summary>
        internal IReadOnlyList<Finding> SyncedFailures { get; init; } = [];
    }

    /// <summary>
    /// Send spec.stop.warning's <paramref name="Command"/> to the server's console: <see cref="Status"/> records it
    /// (status.stopWarning) and is written first, checked against the resourceVersion decided from; the stop is decided
    /// again after <paramref name="Before"/>.
    /// </summary>
    public sealed record Warn(ServerPowerStatus Status, IReadOnlyList<DecisionEvent> Events, string Command, TimeSpan Before) : Decision(Status, Events);

    /// <summary>The object is being deleted and may go now: its finalizer is removed.</summary>
    public sealed record Release(ServerPowerStatus Status, IReadOnlyList<DecisionEvent> Events) : Decision(Status, Events);
}
