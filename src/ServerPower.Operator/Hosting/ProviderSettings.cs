using ServerPower.Providers;

namespace ServerPower.Operator.Hosting;

/// <summary>
/// The provider-call settings the operator exposes (command line, <c>SERVERPOWER_*</c>, chart <c>provider.*</c>):
/// per-attempt timeout, retries, the age of a shared batch listing, and the circuit breaker. Defaults are
/// <see cref="ProviderOptions"/>'s.
/// </summary>
public sealed record ProviderSettings
{
    private static readonly ProviderOptions Defaults = new();

    public TimeSpan RequestTimeout { get; init; } = Defaults.RequestTimeout;
    public int MaxAttempts { get; init; } = Defaults.MaxAttempts;
    public TimeSpan RetryBaseDelay { get; init; } = Defaults.RetryBaseDelay;
    public TimeSpan MaxRetryDelay { get; init; } = Defaults.MaxRetryDelay;
    public TimeSpan BatchReadMaxAge { get; init; } = Defaults.BatchReadMaxAge;
    public double BreakerFailureRatio { get; init; } = Defaults.BreakerFailureRatio;
    public int BreakerMinimumThroughput { get; init; } = Defaults.BreakerMinimumThroughput;
    public TimeSpan BreakerSamplingDuration { get; init; } = Defaults.BreakerSamplingDuration;
    public TimeSpan BreakerBreakDuration { get; init; } = Defaults.BreakerBreakDuration;

    public void ApplyTo(ProviderOptions options)
    {
        options.RequestTimeout = RequestTimeout;
        options.MaxAttempts = MaxAttempts;
        options.RetryBaseDelay = RetryBaseDelay;
        options.MaxRetryDelay = MaxRetryDelay;
        options.BatchReadMaxAge = BatchReadMaxAge;
        options.BreakerFailureRatio = BreakerFailureRatio;
        options.BreakerMinimumThroughput = BreakerMinimumThroughput;
        options.BreakerSamplingDuration = BreakerSamplingDuration;
        options.BreakerBreakDuration = BreakerBreakDuration;
    }
}
