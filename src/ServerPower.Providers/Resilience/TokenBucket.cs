namespace ServerPower.Providers.Resilience;

/// <summary>
/// The account's own rate limit: a token bucket on a <see cref="TimeProvider"/> that never waits. A call either
/// takes a token at once or learns how long until the next one. Tokens are counted in decimal, refilled from
/// the elapsed timestamp ticks, so any rate from 0.001 to 100000 per second refills exactly and for ever.
/// One bucket per account key (see <see cref="AccountLimits"/>): a changed rate or burst is applied in place by
/// <see cref="Reconfigure"/>, so the tokens already spent stay spent and the new rate counts from that moment.
/// </summary>
/// <remarks>
/// The operator's work queue has a token bucket of its own (ServerPower.Runtime/TokenBucket.cs: reservation
/// style, tokens taken in advance, not thread-safe); the two are not shared because this one must be exact at
/// 0.001/s for ever, never hand out a token ahead of time, and be reconfigured while calls use it.
/// </remarks>
internal sealed class TokenBucket
{
    private readonly Lock gate = new();
    private readonly TimeProvider timeProvider;
    private decimal rate;
    private decimal capacity;
    private decimal tokens;
    private long refilledAt;

    public TokenBucket(double requestsPerSecond, int burst, TimeProvider timeProvider)
    {
        this.timeProvider = timeProvider;
        rate = Rate(requestsPerSecond);
        capacity = Math.Max(1, burst);
        tokens = capacity;
        refilledAt = timeProvider.GetTimestamp();
    }

    /// <summary>
    /// A new rate and burst from now on: what was refilled until now at the old rate is kept (up to the new burst), so a
    /// change never hands out a fresh burst, and the time to the next token follows the new rate at once.
    /// </summary>
    public void Reconfigure(double requestsPerSecond, int burst)
    {
        lock (gate)
        {
            Refill();
            rate = Rate(requestsPerSecond);
            capacity = Math.Max(1, burst);
            tokens = Math.Min(tokens, capacity);
        }
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

    private static decimal Rate(double requestsPerSecond) => (decimal)Math.Clamp(requestsPerSecond, 0.000001, 1_000_000_000);

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
