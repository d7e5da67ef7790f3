namespace ServerPower.Providers.Resilience;

/// <summary>
/// The account's own rate limit: a token bucket on a <see cref="TimeProvider"/> that never waits. A call either
/// takes a token at once or learns how long until the next one. Tokens are counted in decimal, refilled from
/// the elapsed timestamp ticks, so any rate from 0.001 to 100000 per second refills exactly and for ever.
/// </summary>
internal sealed class TokenBucket
{
    private readonly Lock gate = new();
    private readonly TimeProvider timeProvider;
    private readonly decimal rate;
    private readonly decimal capacity;
    private decimal tokens;
    private long refilledAt;

    public TokenBucket(double requestsPerSecond, int burst, TimeProvider timeProvider)
    {
        this.timeProvider = timeProvider;
        rate = (decimal)Math.Clamp(requestsPerSecond, 0.000001, 1_000_000_000);
        capacity = Math.Max(1, burst);
        tokens = capacity;
        refilledAt = timeProvider.GetTimestamp();
    }

    /// <summary>The time until a token is available (zero when one is), taking none.</summary>
    public TimeSpan Peek()
    {
        lock (gate)
        {
            Refill();
            return tokens >= 1 ? TimeSpan.Zero : Until();
        }
    }

    /// <summary>Takes a token; when there is none, <paramref name="wait"/> is the time until the next one.</summary>
    public bool TryTake(out TimeSpan wait)
    {
        lock (gate)
        {
            Refill();
            if (tokens >= 1)
            {
                tokens -= 1;
                wait = TimeSpan.Zero;
                return true;
            }

            wait = Until();
            return false;
        }
    }

    private TimeSpan Until()
    {
        var ticks = Math.Ceiling((1 - tokens) / rate * TimeSpan.TicksPerSecond);
        return TimeSpan.FromTicks((long)Math.Min(ticks, TimeSpan.MaxValue.Ticks));
    }

    private void Refill()
    {
        var now = timeProvider.GetTimestamp();
        if (now <= refilledAt) return;
        var elapsedSeconds = (decimal)(now - refilledAt) / timeProvider.TimestampFrequency;
        tokens = elapsedSeconds >= capacity / rate ? capacity : Math.Min(capacity, tokens + (elapsedSeconds * rate));
        refilledAt = now;
    }
}
