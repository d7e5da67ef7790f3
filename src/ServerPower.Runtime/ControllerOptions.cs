namespace ServerPower.Runtime;

public sealed record ControllerOptions
{
    /// <summary>Concurrent reconciles (never two on one key).</summary>
    public int Workers { get; init; } = 2;

    /// <summary>Every known key is enqueued this often, so drift and wiped status heal without an event.</summary>
    public TimeSpan ResyncPeriod { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Relative spread of each resync period: 0.1 means ±10 %.</summary>
    public double ResyncJitter { get; init; } = 0.1;

    /// <summary>
    /// When the workers are told to stop (leadership lost, shutdown), reconciles in flight may run this long before
    /// their token is cancelled. Keep it, plus the lease release, under the pod's terminationGracePeriodSeconds (30).
    /// </summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(20);
}
