namespace ServerPower.Providers.Activity;

/// <summary>
/// How one activity read went. Only <see cref="Read"/> carries a player count; every other outcome is unknown, which is
/// never zero players.
/// </summary>
public enum ActivityOutcome
{
    /// <summary>The target answered a player count.</summary>
    Read,

    /// <summary>No answer: the connection failed or was closed, the port is closed, the name did not resolve, an HTTP error status.</summary>
    Failed,

    /// <summary>No complete answer within the read's timeout.</summary>
    TimedOut,

    /// <summary>The operator's outbound policy refused every address of the target: nothing was connected or sent.</summary>
    Refused,

    /// <summary>An answer that is not what the protocol describes, or has no player count where it should be.</summary>
    Unreadable,

    /// <summary>An answer longer (or declaring itself longer) than the read's bound; not read past the bound.</summary>
    TooLarge,
}
