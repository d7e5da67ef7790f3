using ServerPower.Operator.Decision;
using ServerPower.Providers.Activity;
using ServerPower.Runtime;

namespace ServerPower.Operator.AutoStop;

/// <summary>What the reconciler uses of the <see cref="ActivityMonitor"/>.</summary>
public interface IActivityMonitor
{
    /// <summary>Null when the monitor may read this target; otherwise why not (for a condition message).</summary>
    string? Check(ActivitySpec spec);

    /// <summary>
    /// Reads <paramref name="key"/>'s activity every spec.PeriodSeconds, the first read at once. The same spec again
    /// changes nothing; another spec starts afresh (no players known, no idle run).
    /// </summary>
    void Ensure(ObjectKey key, ActivitySpec spec);

    /// <summary>Stops reading <paramref name="key"/> and forgets its state (stopped, suspended, deleted, no autoStop).</summary>
    void Forget(ObjectKey key);

    /// <summary>The latest state of a watched server, or null when it is not watched.</summary>
    ActivityState? Observe(ObjectKey key);

    /// <summary>
    /// One read now, off the schedule (the last look right before an idle stop): its result also updates the state.
    /// Unknown (Failed) when the server is not watched.
    /// </summary>
    Task<ActivityRead> ReadNowAsync(ObjectKey key, CancellationToken cancellationToken);
}
