using System.Net;
using k8s.Autorest;
using Microsoft.Extensions.Logging;
using ServerPower.Operator.Kubernetes;

namespace ServerPower.Operator.Reconciliation;

/// <summary>
/// Retries the status write that records a provider call's outcome: on a 429 (API priority and fairness, honouring
/// Retry-After), a 5xx, a lost answer or a transport error, within its own deadline and independent of the
/// reconcile's token. An action's outcome is written by <see cref="OutcomeWrite"/>, which handles conflicts itself (a repeat after a lost
/// answer meets one and finds the outcome stored). A conflict that reaches here, or a 4xx, is not retried: it is not
/// transient (the next pass decides again from the stored object).
/// </summary>
public sealed class StatusWriteRetry(TimeProvider time, ILogger logger)
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan FirstDelay = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(5);

    /// <summary>Runs <paramref name="write"/> until it lands or the deadline passes; takes no token on purpose.</summary>
    public async Task<T> WriteAsync<T>(Func<Task<T>> write)
    {
        var until = time.GetUtcNow() + Deadline;
        var delay = FirstDelay;
        // Stryker disable once Update : the attempt number is read by the log line only
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await write();
            }
            catch (Exception e) when (RetryDelay(e) is { } wanted && time.GetUtcNow() + Max(wanted, delay) < until)
            {
                var wait = Max(wanted, delay);
                // Stryker disable once Statement,String : a log line only (no test reads logs)
                logger.LogWarning("recording the provider's answer failed (attempt {Attempt}): {Error}; retrying in {DelayMs} ms",
                    attempt, e.Message, (long)wait.TotalMilliseconds);
                await Task.Delay(wait, time, CancellationToken.None);
                delay = Min(delay * 2, MaxDelay);
            }
        }
    }

    /// <summary>How long the API server asked us to wait (zero when it did not say); null when not transient.</summary>
    private static TimeSpan? RetryDelay(Exception e) => e switch
    {
        HttpOperationException { Response: { } response } when (int)response.StatusCode == 429 || (int)response.StatusCode >= 500 =>
            RetryAfter(response),
        HttpOperationException => null,
        ConflictException => null,
        HttpRequestException or IOException or TimeoutException => TimeSpan.Zero,
        // KubernetesClient's per-call timeout (HttpClientTimeout) cancels its own linked token: a TaskCanceledException
        // from HttpClient, or a plain OperationCanceledException when it struck while the answer was being read. Our
        // token is never passed to the write, so any cancellation here is that timeout.
        OperationCanceledException => TimeSpan.Zero,
        _ => null,
    };

    private static TimeSpan RetryAfter(HttpResponseMessageWrapper response)
    {
        if (response.StatusCode != (HttpStatusCode)429) return TimeSpan.Zero;
        var values = response.Headers?.FirstOrDefault(h => string.Equals(h.Key, "Retry-After", StringComparison.OrdinalIgnoreCase)).Value;
        // Stryker disable once Linq : a header that is present has a value, so First() finds one too
        var header = values?.FirstOrDefault();
        // Stryker disable once Logical,Equality : a Retry-After of 0 or less waits as long as none (the first delay is longer), so these give the same wait
        return int.TryParse(header, out var seconds) && seconds > 0 ? TimeSpan.FromSeconds(seconds) : TimeSpan.Zero;
    }

    // Stryker disable once Equality : equal values give the same result either way
    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    // Stryker disable once Equality : equal values give the same result either way
    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
