using ServerPower.Operator.Decision;
using ServerPower.Providers.Activity;

namespace ServerPower.Operator.AutoStop;

/// <summary>
/// How reads add up to idleness: only successful reads of 0 players extend a run; unknown is never zero, so a failed,
/// timed-out, refused, unreadable or too large read ends the run just as players do.
/// </summary>
public static class IdleRun
{
    /// <summary>The state after <paramref name="read"/>, started at <paramref name="at"/>.</summary>
    public static ActivityState Apply(ActivityState state, ActivityRead read, DateTimeOffset at) => read.Players switch
    {
        null => state with { Players = null, LastRead = read, LastReadTime = at, IdleSince = null },
        0 => state with { Players = 0, LastRead = read, LastReadTime = at, IdleSince = state.IdleSince ?? at },
        { } players => state with { Players = players, LastRead = read, LastReadTime = at, LastActiveTime = at, IdleSince = null },
    };

    /// <summary>How long the server has been idle at <paramref name="now"/>: zero outside an idle run.</summary>
    public static TimeSpan IdleFor(ActivityState state, DateTimeOffset now) =>
        state.IdleSince is { } since && now > since ? now - since : TimeSpan.Zero;

    /// <summary>
    /// What a server's status shows of the state and so what, when it changes, enqueues the server: the count (or
    /// unknown), how the read went, and the idle run's start. Read times alone are not in it, so a steady server costs
    /// no reconcile per read.
    /// </summary>
    public static object Shown(ActivityState state) => (state.Players, state.LastRead?.Outcome, state.IdleSince);
}
