using System.Runtime.CompilerServices;

namespace ServerPower.Systematic.Tests;

/// <summary>
/// A single-threaded step loop: it runs one queued action at a time, each chosen by a seeded <see cref="Random"/>
/// among all runnable ones, so the same seed gives the same interleaving and a failing seed replays. Time is a
/// FakeTimeProvider the scenario advances inside a step, so timers, delays and cancellations fire there too.
/// The runtime's loops start, and the work queue hands keys to waiting workers, through their internal Dispatch
/// seam; every await in the runtime then resumes inline on this thread, because no TaskScheduler or
/// SynchronizationContext is current here (with one, .NET sends each ConfigureAwait(false) continuation to the
/// thread pool). Why not Microsoft.Coyote 1.7.11: its `coyote rewrite` tool rewrites and runs net10 assemblies, but
/// does not know .NET 9's System.Threading.Lock (a task switch inside `lock (gate)` hangs the next task on the real
/// lock), and its rewritten async builder crashes the process (AccessViolationException) at the informer's
/// `await foreach (... ConfigureAwait(false))`.
/// </summary>
internal sealed class DeterministicScheduler(int seed)
{
    private readonly List<Action> runnable = [];
    private int runner = -1;
    private ulong schedule = 14695981039346656037;

    /// <summary>The seeded source of every choice: which step runs next, and what the scenario does.</summary>
    public Random Choices { get; } = new(seed);

    public long Steps { get; private set; }

    /// <summary>A hash of the choices made (which step, among how many): equal for equal schedules.</summary>
    public ulong Schedule => schedule;

    /// <summary>Steps queued and not yet run (the current one not counted): zero when everything waits for time.</summary>
    public int Pending
    {
        get { lock (runnable) return runnable.Count; }
    }

    /// <summary>Work that ran on another thread than the loop's: the run is not deterministic (a harness bug).</summary>
    public List<string> Escapes { get; } = [];

    /// <summary>Queues <paramref name="action"/> as a step of its own.</summary>
    public void Dispatch(Action action)
    {
        if (runner != -1) CheckThread("a dispatched step");
        lock (runnable) runnable.Add(action);
    }

    /// <summary>Await it to end the current step; the rest runs as a step of its own.</summary>
    public StepAwaitable Yield() => new(this);

    /// <summary>
    /// Task.Delay on <paramref name="time"/>, resuming as a step of its own, also when cancelled: a cancelled
    /// Task.Delay(…, TimeProvider, token) resumes its awaiter on the thread pool, out of this loop.
    /// </summary>
    public async Task DelayAsync(TimeProvider time, TimeSpan delay, CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource();
        using var timer = time.CreateTimer(_ => Dispatch(() => done.TrySetResult()), null, delay, Timeout.InfiniteTimeSpan);
        using var registration = cancellationToken.Register(() => Dispatch(() => done.TrySetCanceled(cancellationToken)));
        await done.Task;
    }

    /// <summary>
    /// Ends the current step until every other step has run and nothing but time is left to wait for, or until
    /// <paramref name="maxSteps"/> yields; false then (something keeps itself runnable: a busy loop).
    /// </summary>
    public async Task<bool> DrainAsync(int maxSteps = 2000)
    {
        for (var i = 0; i < maxSteps; i++)
        {
            if (Pending == 0) return true;
            await Yield();
        }
        return Pending == 0;
    }

    /// <summary>Records an escape when called off the loop's thread (the scenario's boundaries call it).</summary>
    public void CheckThread(string where)
    {
        if (Environment.CurrentManagedThreadId != runner) Escapes.Add($"{where} ran on thread {Environment.CurrentManagedThreadId}");
    }

    /// <summary>
    /// Runs the scenario to its end on the calling thread, step by step. Throws when nothing is runnable before it
    /// ended (a hang) or after <paramref name="maxSteps"/> steps (a busy loop).
    /// </summary>
    public void Run(Func<Task> scenario, long maxSteps)
    {
        var previous = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(null); // the test runner's context would take the continuations
        runner = Environment.CurrentManagedThreadId;
        try
        {
            Task? root = null;
            Dispatch(() => root = scenario());
            while (root is null || !root.IsCompleted)
            {
                Action next;
                lock (runnable)
                {
                    if (runnable.Count == 0) throw new InvalidOperationException($"hang: nothing runnable after {Steps} steps");
                    var index = Choices.Next(runnable.Count);
                    schedule = (schedule ^ (ulong)(index * 1000 + runnable.Count)) * 1099511628211;
                    next = runnable[index];
                    runnable[index] = runnable[^1];
                    runnable.RemoveAt(runnable.Count - 1);
                }
                if (++Steps > maxSteps) throw new InvalidOperationException($"busy loop: still running after {maxSteps} steps");
                next();
            }
            root.GetAwaiter().GetResult();
        }
        finally
        {
            runner = -1;
            SynchronizationContext.SetSynchronizationContext(previous);
        }
    }

    /// <summary>The awaitable of <see cref="Yield"/>: its continuation is queued as a step.</summary>
    public readonly struct StepAwaitable(DeterministicScheduler scheduler) : ICriticalNotifyCompletion
    {
        public StepAwaitable GetAwaiter() => this;

        public bool IsCompleted => false;

        public void GetResult()
        {
        }

        public void OnCompleted(Action continuation) => scheduler.Dispatch(continuation);

        public void UnsafeOnCompleted(Action continuation) => scheduler.Dispatch(continuation);
    }
}
