namespace ServerPower.Providers.Resilience;

/// <summary>
/// The wait a provider asked of one account with a 429. Until it has passed, nothing of the account is sent.
/// The wait is the Retry-After, and at least a floor delay that doubles with each 429 in a row (a missing,
/// zero or past Retry-After never means "now"). Part of the account key's <see cref="AccountLimits"/>, so it
/// survives a changed account (new token, new rate) of the same PowerProvider.
/// </summary>
internal sealed class AccountThrottle(ProviderOptions options, TimeProvider timeProvider)
{
    private readonly Lock gate = new();
    private DateTimeOffset until = DateTimeOffset.MinValue;
    private int inARow;

    /// <summary>When the current wait ends (in the past when there is none).</summary>
    public DateTimeOffset Until
    {
        get
        {
            lock (gate)
            {
                return until;
            }
        }
    }

    /// <summary>The rest of the current wait, or null when the account may send.</summary>
    public TimeSpan? Remaining()
    {
        lock (gate)
        {
            var now = timeProvider.GetUtcNow();
            return now < until ? until - now : null;
        }
    }

    /// <summary>Records a 429; returns the wait it imposes on the account and when that wait ends.</summary>
    public (TimeSpan Wait, DateTimeOffset Until) TooManyRequests(TimeSpan? retryAfter)
    {
        lock (gate)
        {
            inARow = Math.Min(inARow + 1, 62);
            var floor = Floor(inARow);
            var wait = retryAfter is { } asked && asked > floor ? asked : floor;
            var end = timeProvider.GetUtcNow() + wait;
            until = end > until ? end : until;
            return (wait, end);
        }
    }

    /// <summary>Any other answer ends the run of 429s (the next floor starts small again).</summary>
    public void Answered()
    {
        lock (gate)
        {
            inARow = 0;
        }
    }

    private TimeSpan Floor(int repeats)
    {
        var floor = options.RateLimitFloorDelay > TimeSpan.Zero ? options.RateLimitFloorDelay : TimeSpan.FromSeconds(1);
        var cap = options.RateLimitMaxFloorDelay > floor ? options.RateLimitMaxFloorDelay : floor;
        var grown = floor.Ticks * Math.Pow(2, repeats - 1);
        return grown >= cap.Ticks ? cap : TimeSpan.FromTicks((long)grown);
    }
}
