namespace ServerPower.Runtime;

/// <summary>The work-queue operations a finished reconcile uses (implemented by <see cref="WorkQueue"/>).</summary>
public interface IRequeueTarget
{
    void AddRateLimited(ObjectKey key);

    void Forget(ObjectKey key);

    void AddAfter(ObjectKey key, TimeSpan delay);
}

/// <summary>
/// What a finished reconcile does to its key (controller-runtime semantics), in one place so that the controller and
/// the deterministic simulation in the tests route results the same way.
/// </summary>
public static class ResultRouting
{
    /// <summary>Applies the result to the queue; returns the outcome label used by logs and metrics.</summary>
    public static string Apply(IRequeueTarget queue, ObjectKey key, ReconcileResult result)
    {
        if (result.Conflict)
        {
            // Backoff without a reset: a conflict is no success.
            queue.AddRateLimited(key);
            return "conflict";
        }
        if (result.Failed)
        {
            queue.AddRateLimited(key);
            return "error";
        }
        queue.Forget(key);
        if (result.RequeueAfter is { } delay)
        {
            queue.AddAfter(key, delay);
            return "requeue_after";
        }
        return "success";
    }
}
