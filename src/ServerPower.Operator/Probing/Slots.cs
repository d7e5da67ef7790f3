namespace ServerPower.Operator.Probing;

/// <summary>
/// A counting semaphore for <see cref="KeyedSchedule{T}"/>: a <see cref="SemaphoreSlim"/> in the product. Under the
/// systematic tests' deterministic scheduler (a dispatch given) it keeps its own first-come-first-served waiters and
/// resumes each as a dispatched step, because SemaphoreSlim resumes an asynchronous waiter on the thread pool (its
/// waiters run their continuations asynchronously), out of the scheduler's order.
/// </summary>
internal sealed class Slots(int count, Action<Action>? dispatch = null) : IDisposable
{
    private readonly SemaphoreSlim semaphore = new(count);
    private readonly Lock gate = new();
    private readonly LinkedList<TaskCompletionSource> waiters = [];
    private int free = count;

    /// <summary>Waits for a slot; cancelled while waiting, the task is cancelled and holds none.</summary>
    public Task WaitAsync(CancellationToken cancellationToken)
    {
        if (dispatch is null) return semaphore.WaitAsync(cancellationToken);
        if (cancellationToken.IsCancellationRequested) return Task.FromCanceled(cancellationToken);
        LinkedListNode<TaskCompletionSource> node;
        lock (gate)
        {
            if (free > 0)
            {
                free--;
                return Task.CompletedTask;
            }
            node = waiters.AddLast(new TaskCompletionSource());
        }
        var registration = cancellationToken.Register(() =>
        {
            lock (gate)
            {
                if (node.List is null) return; // handed a slot already
                waiters.Remove(node);
            }
            dispatch(() => node.Value.TrySetCanceled(cancellationToken));
        });
        return WaitedAsync(node.Value.Task, registration);
    }

    public void Release()
    {
        if (dispatch is null) semaphore.Release();
        else ReleaseAsStep(dispatch);
    }

    private void ReleaseAsStep(Action<Action> step)
    {
        TaskCompletionSource next;
        lock (gate)
        {
            if (waiters.First is not { } first)
            {
                free++;
                return;
            }
            waiters.RemoveFirst();
            next = first.Value;
        }
        step(() => next.TrySetResult());
    }

    public void Dispose() => semaphore.Dispose();

    private static async Task WaitedAsync(Task waiting, CancellationTokenRegistration registration)
    {
        // Stryker disable once Boolean : ConfigureAwait(true) is the same without a synchronization context (the operator has none)
        using (registration) await waiting.ConfigureAwait(false);
    }
}
