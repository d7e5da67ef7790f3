namespace ServerPower.Runtime;

/// <summary>
/// A token bucket in reservation style (Go's rate.Limiter.Reserve): every call takes a token, possibly in advance,
/// and returns how long the caller has to wait for it. Not thread-safe: the queue locks.
/// </summary>
internal sealed class TokenBucket
{
    private readonly double perSecond;
    private readonly int burst;
    private readonly TimeProvider time;
    private double tokens;
    private DateTimeOffset last;

    public TokenBucket(double perSecond, int burst, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(perSecond);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(burst);
        this.perSecond = perSecond;
        this.burst = burst;
        this.time = time;
        tokens = burst;
        last = time.GetUtcNow();
    }

    public TimeSpan Reserve()
    {
        var now = time.GetUtcNow();
        if (now > last)
        {
            tokens = Math.Min(burst, tokens + (now - last).TotalSeconds * perSecond);
            last = now;
        }
        tokens -= 1;
        return tokens >= 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(-tokens / perSecond);
    }
}
