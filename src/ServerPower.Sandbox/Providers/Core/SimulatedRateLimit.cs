namespace ServerPower.Sandbox.Providers.Core;

/// <summary>
/// A provider's own rate limit as providers enforce it: a token bucket refilled from the elapsed time of the
/// simulator's clock (not by a timer, whose late ticks under CPU load would lose tokens and make the simulator
/// stricter than its declared rate). Written apart from the operator's own bucket on purpose: the simulator judges
/// that bucket, so it must not share its code.
/// </summary>
internal sealed class SimulatedRateLimit(double requestsPerSecond, int burst, TimeProvider time)
{
    private readonly Lock gate = new();
    private readonly double rate = Math.Max(0.000001, requestsPerSecond);
    private readonly double capacity = Math.Max(1, burst);
    private double tokens = Math.Max(1, burst);
    private long refilledAt = time.GetTimestamp();

    /// <summary>Takes a token when there is one.</summary>
    public bool TryTake()
    {
        lock (gate)
        {
            var now = time.GetTimestamp();
            tokens = Math.Min(capacity, tokens + (double)(now - refilledAt) / time.TimestampFrequency * rate);
            refilledAt = now;
            if (tokens < 1) return false;
            tokens -= 1;
            return true;
        }
    }
}
