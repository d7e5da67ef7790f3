namespace ServerPower.Providers.Activity;

/// <summary>
/// One activity read: <see cref="Players"/> when <see cref="Outcome"/> is <see cref="ActivityOutcome.Read"/>, null
/// (unknown, never zero) otherwise. <see cref="Message"/> is short and names no address the target resolved to.
/// </summary>
public sealed record ActivityRead(int? Players, ActivityOutcome Outcome, string Message)
{
    public static ActivityRead Count(int players, string message) => new(players, ActivityOutcome.Read, message);

    public static ActivityRead Unknown(ActivityOutcome outcome, string message) =>
        outcome == ActivityOutcome.Read ? throw new ArgumentException("an unknown read has an outcome other than Read", nameof(outcome))
            : new(null, outcome, message);

    public bool IsKnown => Players is not null;

    /// <summary>The metric label of the outcome: success, failed, timeout, refused, unreadable, too_large.</summary>
    public string OutcomeLabel => Outcome switch
    {
        ActivityOutcome.Read => "success",
        ActivityOutcome.Failed => "failed",
        ActivityOutcome.TimedOut => "timeout",
        ActivityOutcome.Refused => "refused",
        ActivityOutcome.Unreadable => "unreadable",
        _ => "too_large",
    };
}
