using ServerPower.Runtime;

namespace ServerPower.Operator.Scheduling;

/// <summary>Requeues exactly at a schedule transition or an override's end, rather than polling for it.</summary>
public static class TransitionRequeue
{
    /// <summary>
    /// The longest single wait: timers take at most about 49 days, and a transition further away is met by the
    /// reconciles in between, each of which requeues for it again.
    /// </summary>
    public static readonly TimeSpan MaxWait = TimeSpan.FromDays(7);

    /// <summary>
    /// <paramref name="result"/>, brought forward to <paramref name="at"/> when that is sooner. A failure or a
    /// conflict keeps its backoff: the retry recomputes the transition anyway.
    /// </summary>
    public static ReconcileResult At(ReconcileResult result, DateTimeOffset? at, DateTimeOffset now)
    {
        if (at is not { } when || result.Failed || result.Conflict) return result;
        var delay = when - now;
        // Stryker disable once Equality : a delay of exactly MaxWait stays MaxWait either way
        if (delay > MaxWait) delay = MaxWait;
        if (delay <= TimeSpan.Zero) delay = TimeSpan.FromMilliseconds(1);
        // Stryker disable once Equality : when equal, result is the same record as After(delay) (failures and conflicts returned above)
        return result.RequeueAfter is { } sooner && sooner <= delay ? result : ReconcileResult.After(delay);
    }
}
