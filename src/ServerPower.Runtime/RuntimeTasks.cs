namespace ServerPower.Runtime;

/// <summary>Starts the runtime's long-running loops (workers, reflectors).</summary>
internal static class RuntimeTasks
{
    /// <summary>
    /// Task.Run in the product (<paramref name="dispatch"/> null). The systematic tests pass their deterministic
    /// scheduler's dispatch, which starts the work as one of its steps, on its thread, with no scheduler or context
    /// current (inside a custom TaskScheduler, every ConfigureAwait(false) continuation would go to the thread pool).
    /// </summary>
    public static Task Run(Action<Action>? dispatch, Func<Task> work)
    {
        if (dispatch is null) return Task.Run(work);
        var started = new TaskCompletionSource<Task>();
        dispatch(() => started.SetResult(work()));
        return started.Task.Unwrap();
    }
}
