namespace ServerPower.Runtime;

/// <summary>Rate limiting of a <see cref="WorkQueue"/> (client-go's default controller rate limiter, with a lower cap).</summary>
public sealed record WorkQueueOptions
{
    /// <summary>First per-key retry delay after a failure; doubles on each further failure.</summary>
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromMilliseconds(5);

    /// <summary>Cap of the per-key retry delay (client-go uses 1000 s; the design asks for about 5 min).</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Overall token bucket over all rate-limited requeues.</summary>
    public double QueriesPerSecond { get; init; } = 10;

    public int Burst { get; init; } = 100;
}
