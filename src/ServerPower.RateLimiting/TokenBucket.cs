namespace ServerPower.RateLimiting;

/// <summary>
/// A token bucket on a <see cref="TimeProvider"/> that never waits, thread-safe. Two ways to take a token:
/// <see cref="TryTake"/> takes one only when there is one, else says how long until the next (the providers' per-account
/// rate limit); <see cref="Reserve"/> always takes one, in advance when needed, and says how long the caller has to wait
/// for it (Go's rate.Limiter.Reserve: the runtime's work queue). Tokens are counted in decimal, refilled from the elapsed
/// timestamp ticks, so any rate from 0.001 to 100000 per second refills exactly and for ever. A changed rate or burst is
/// applied in place by <see cref="Reconfigure"/>, so the tokens already spent stay spent and the new rate counts from then.
/// </summary>
/// <remarks>
/// Written here rather than taken from System.Threading.RateLimiting: its TokenBucketRateLimiter replenishes on a real
/// timer (no <see cref="TimeProvider"/>, so no FakeTimeProvider in tests), in whole-token periods (no 0.001/s exactly),
/// and cannot be reconfigured in place.
/// One implementation for both users, in its own assembly: the runtime (generic, no ServerPower kind) and the providers
/// (no Kubernetes) must not reference each other, and both can reference this.
/// </remarks>
public sealed class TokenBucket
{
    private readonly Lock gate = new();
    private readonly TimeProvider timeProvider;
    private decimal rate;
    private decimal capacity;
    private decimal tokens;
    private long refilledAt;

    /// <param name="requestsPerSecond">The refill rate (clamped to 0.000001 .. 1e9 per second).</param>
    /// <param name="burst">How many tokens the bucket holds, and starts with (at least 1).</param>
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
            return tokens >= 1 ? TimeSpan.Zero : Until(1);
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

            wait = Until(1);
            return false;
        }
    }

    /// <summary>Takes a token, in advance when there is none, and returns how long until it is the caller's (zero: now).</summary>
    public TimeSpan Reserve()
    {
        lock (gate)
        {
            Refill();
            tokens -= 1;
            return tokens >= 0 ? TimeSpan.Zero : Until(0);
        }
    }

    private static decimal Rate(double requestsPerSecond) => (decimal)Math.Clamp(requestsPerSecond, 0.000001, 1_000_000_000);

    /// <summary>The time until the bucket holds <paramref name="level"/> tokens (more than it holds now).</summary>
    private TimeSpan Until(decimal level)
    {
        var ticks = Math.Ceiling((level - tokens) / rate * TimeSpan.TicksPerSecond);
        return TimeSpan.FromTicks((long)Math.Min(ticks, TimeSpan.MaxValue.Ticks));
    }

    private void Refill()
    {
        var now = timeProvider.GetTimestamp();
        if (now <= refilledAt) return;
        var elapsedSeconds = (decimal)(now - refilledAt) / timeProvider.TimestampFrequency;
        // Full once enough time passed to fill from where it is (tokens may be below zero after reservations); the
        // comparison first keeps a very long elapsed time from overflowing the product.
        tokens = elapsedSeconds >= (capacity - tokens) / rate ? capacity : Math.Min(capacity, tokens + (elapsedSeconds * rate));
        refilledAt = now;
    }
}
