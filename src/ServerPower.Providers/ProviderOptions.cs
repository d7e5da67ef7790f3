namespace ServerPower.Providers;

/// <summary>Tuning of every provider call. Defaults suit production; tests shorten them.</summary>
public sealed class ProviderOptions
{
    /// <summary>Longest time one HTTP attempt (send and read the answer) may take.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Largest answer body read. A larger answer is not read further (a 300 MB answer is never buffered) and is an
    /// unreadable answer: Unavailable, and an action may have been executed.
    /// </summary>
    public int MaxResponseBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// Largest answer of a batch read (the listing of every server of an account), which grows with the account: a
    /// Wings listing of 12,500 servers is about 2 MB. 64 MiB holds several hundred thousand servers.
    /// </summary>
    public int MaxBatchResponseBytes { get; set; } = 64 * 1024 * 1024;

    /// <summary>
    /// Longest message (and raw provider state) that leaves the provider layer, after secrets are redacted; longer
    /// text is cut and ends in "…". Status fields and events built from it stay small.
    /// </summary>
    public int MaxMessageLength { get; set; } = 256;

    /// <summary>Attempts in total for retryable calls (reads, probe, start, stop). 1 disables retries.</summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>First backoff delay; it doubles per attempt, with jitter.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// Longest wait between attempts, Retry-After included. A provider asking for a longer Retry-After is not
    /// waited out: the caller gets RateLimited with that delay and requeues.
    /// </summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Shortest wait after a 429 whose Retry-After is missing, zero or in the past; it doubles on each 429 in a
    /// row (up to <see cref="RateLimitMaxFloorDelay"/>), and a Retry-After shorter than it is raised to it.
    /// Until the wait has passed, the whole account sends nothing: calls answer RateLimited, NotSent, at once.
    /// </summary>
    public TimeSpan RateLimitFloorDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest the doubling floor delay grows to (a longer Retry-After is still honoured in full).</summary>
    public TimeSpan RateLimitMaxFloorDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>RetryAfter of an action refused at once because every action slot of the account is in use.</summary>
    public TimeSpan ActionSlotRetryAfter { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The circuit opens when at least this share of calls failed in the sampling window...</summary>
    public double BreakerFailureRatio { get; set; } = 0.8;

    /// <summary>...and at least this many calls were made in it.</summary>
    public int BreakerMinimumThroughput { get; set; } = 5;

    public TimeSpan BreakerSamplingDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long an open circuit answers "circuit open" before letting one trial call through.</summary>
    public TimeSpan BreakerBreakDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Serve single reads from one shared batch read (where the provider has one).</summary>
    public bool CoalesceBatchReads { get; set; } = true;

    /// <summary>Oldest batch snapshot a single read may be served from.</summary>
    public TimeSpan BatchReadMaxAge { get; set; } = TimeSpan.FromSeconds(2);
}
