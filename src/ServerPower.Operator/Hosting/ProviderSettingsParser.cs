using System.Globalization;

namespace ServerPower.Operator.Hosting;

/// <summary>Reads <see cref="ProviderSettings"/> from the options <see cref="OptionsParser"/> collected.</summary>
public static class ProviderSettingsParser
{
    public static readonly string[] Names =
    [
        "provider-request-timeout", "provider-max-attempts", "provider-retry-base-delay", "provider-max-retry-delay",
        "provider-batch-read-max-age", "breaker-failure-ratio", "breaker-minimum-throughput", "breaker-sampling-duration",
        "breaker-break-duration",
    ];

    public const string Usage = """
          --provider-request-timeout DURATION    one attempt of a provider call (10s, 100ms to 1h)
          --provider-max-attempts N              attempts of a retried call: reads, probe, start, stop (3; 1: no retry)
          --provider-retry-base-delay DURATION   first backoff between attempts, doubling, with jitter (500ms)
          --provider-max-retry-delay DURATION    longest wait between attempts; a longer Retry-After is not waited (30s)
          --provider-batch-read-max-age DURATION oldest shared listing a single read is served from (2s; 0: none)
          --breaker-failure-ratio R              the circuit opens when this share of calls failed... (0.8)
          --breaker-minimum-throughput N         ...and at least this many were made... (5)
          --breaker-sampling-duration DURATION   ...within this window (30s)
          --breaker-break-duration DURATION      an open circuit refuses calls this long, then tries one (30s)
        """;

    public static ProviderSettings Parse(IReadOnlyDictionary<string, string> values)
    {
        var defaults = new ProviderSettings();
        var settings = new ProviderSettings
        {
            RequestTimeout = OptionsParser.Duration(values, "provider-request-timeout", defaults.RequestTimeout),
            MaxAttempts = OptionsParser.Int(values, "provider-max-attempts", defaults.MaxAttempts, 1, 10),
            RetryBaseDelay = OptionsParser.Duration(values, "provider-retry-base-delay", defaults.RetryBaseDelay),
            MaxRetryDelay = OptionsParser.Duration(values, "provider-max-retry-delay", defaults.MaxRetryDelay),
            BatchReadMaxAge = OptionsParser.Duration(values, "provider-batch-read-max-age", defaults.BatchReadMaxAge),
            BreakerFailureRatio = Ratio(values, "breaker-failure-ratio", defaults.BreakerFailureRatio),
            BreakerMinimumThroughput = OptionsParser.Int(values, "breaker-minimum-throughput", defaults.BreakerMinimumThroughput, 2, 10000),
            BreakerSamplingDuration = OptionsParser.Duration(values, "breaker-sampling-duration", defaults.BreakerSamplingDuration),
            BreakerBreakDuration = OptionsParser.Duration(values, "breaker-break-duration", defaults.BreakerBreakDuration),
        };
        if (settings.RequestTimeout < TimeSpan.FromMilliseconds(100) || settings.RequestTimeout > TimeSpan.FromHours(1))
            throw new OptionsException("--provider-request-timeout must be from 100ms to 1h");
        if (settings.MaxRetryDelay > TimeSpan.FromHours(1) || settings.RetryBaseDelay > settings.MaxRetryDelay)
            throw new OptionsException("--provider-retry-base-delay must be at most --provider-max-retry-delay, and that at most 1h");
        if (settings.BatchReadMaxAge > TimeSpan.FromMinutes(10))
            throw new OptionsException("--provider-batch-read-max-age must be at most 10m");
        if (settings.BreakerSamplingDuration < TimeSpan.FromSeconds(1) || settings.BreakerBreakDuration < TimeSpan.FromSeconds(1)
            || settings.BreakerSamplingDuration > TimeSpan.FromDays(1) || settings.BreakerBreakDuration > TimeSpan.FromDays(1))
            throw new OptionsException("--breaker-sampling-duration and --breaker-break-duration must be from 1s to 24h");
        return settings;
    }

    private static double Ratio(IReadOnlyDictionary<string, string> values, string name, double fallback)
    {
        if (!values.TryGetValue(name, out var v)) return fallback;
        if (!double.TryParse(v, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var r) || r <= 0 || r > 1)
            throw new OptionsException($"--{name} must be a number above 0 and at most 1, not '{v}'");
        return r;
    }
}
