using System.Net;
using k8s.Autorest;
using k8s.LeaderElection;
using Microsoft.Extensions.Logging;

namespace ServerPower.Runtime;

/// <summary>
/// Turns any failure of a Lease call into a failed attempt that KubernetesClient's <see cref="LeaderElector"/>
/// retries every RetryPeriod until its RenewDeadline, as client-go does. The elector tolerates only
/// <see cref="HttpOperationException"/> from a GET and <c>false</c> from a create or update; a connection error,
/// I/O error or client timeout escaped it and ended leadership at once. So: a GET failure is rethrown as an
/// <see cref="HttpOperationException"/> with status 503 (the original as inner exception), and a create or update
/// failure returns false. Answers of the API server (404 included) and cancellation of the caller's token pass
/// through unchanged.
/// </summary>
public sealed class TolerantLock(ILock inner, ILogger logger) : ILock
{
    public string Identity => inner.Identity;

    public string Describe() => inner.Describe();

    public async Task<LeaderElectionRecord> GetAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            // Stryker disable once Boolean : ConfigureAwait(true) is equivalent: the runtime has no synchronization context
            return await inner.GetAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (HttpOperationException e) when (e.Response is not null)
        {
            throw;
        }
        catch (Exception e) when (!IsCallerCancellation(e, cancellationToken))
        {
            // Stryker disable once Statement,String : a log line only
            logger.LogWarning("Reading lease {Lease} failed ({Error}); retrying until the renew deadline",
                inner.Describe(), e.Message);
            throw Unavailable(e);
        }
    }

    public Task<bool> CreateAsync(LeaderElectionRecord record, CancellationToken cancellationToken = default) =>
        // Stryker disable once String : the action named in the log line only
        WriteAsync("Creating", token => inner.CreateAsync(record, token), cancellationToken);

    public Task<bool> UpdateAsync(LeaderElectionRecord record, CancellationToken cancellationToken = default) =>
        // Stryker disable once String : the action named in the log line only
        WriteAsync("Updating", token => inner.UpdateAsync(record, token), cancellationToken);

    private async Task<bool> WriteAsync(string action, Func<CancellationToken, Task<bool>> write,
        CancellationToken cancellationToken)
    {
        try
        {
            // Stryker disable once Boolean : ConfigureAwait(true) is equivalent: the runtime has no synchronization context
            return await write(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (!IsCallerCancellation(e, cancellationToken))
        {
            // Stryker disable once Statement,String : a log line only
            logger.LogWarning("{Action} lease {Lease} failed ({Error}); retrying until the renew deadline",
                action, inner.Describe(), e.Message);
            return false;
        }
    }

    private static bool IsCallerCancellation(Exception e, CancellationToken cancellationToken) =>
        e is OperationCanceledException && cancellationToken.IsCancellationRequested;

    private static HttpOperationException Unavailable(Exception cause)
    {
        using var response = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);
        return new HttpOperationException($"lease request failed: {cause.Message}", cause)
        {
            // Stryker disable once String : the wrapped response content is never read (the elector reads the status)
            Response = new HttpResponseMessageWrapper(response, string.Empty),
        };
    }
}
