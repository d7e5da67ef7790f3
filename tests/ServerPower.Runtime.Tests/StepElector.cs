using ServerPower.Runtime;

namespace ServerPower.Runtime.Tests;

/// <summary>
/// Runs the steps that <see cref="LeaderElection"/>'s Dispatch seam hands it (a term's work starting, the shutdown
/// signal resuming) on the test's thread, when the test says: with it, an election runs one step at a time and is
/// quiet between calls, so a test can check what has not happened yet.
/// </summary>
internal sealed class Steps
{
    private readonly Queue<Action> queue = new();

    public void Dispatch(Action step)
    {
        lock (queue) queue.Enqueue(step);
    }

    /// <summary>Runs queued steps, and those they queue, until none is left.</summary>
    public void RunAll()
    {
        while (true)
        {
            Action next;
            lock (queue)
            {
                if (queue.Count == 0) return;
                next = queue.Dequeue();
            }
            next();
        }
    }
}

/// <summary>
/// An elector the test drives: <see cref="Gain"/>, <see cref="Lose"/>, <see cref="Error"/> and <see cref="End"/>
/// raise its events and end its run at once, on the caller's thread. When its token is cancelled it runs
/// <see cref="WhenStopped"/>, then (unless <see cref="EndsWhenStopped"/> is false) ends as KubernetesClient's does:
/// OnStoppedLeading if leading, and a cancelled run.
/// </summary>
internal sealed class StepElector : ILeaderElector
{
    private readonly TaskCompletionSource ended = new();
    private int stoppedOnThread = -1;

    public event Action? OnStartedLeading;

    public event Action? OnStoppedLeading;

    public event Action<string>? OnNewLeader;

    public event Action<Exception>? OnError;

    public CancellationToken Token { get; private set; }

    /// <summary>The thread that cancelled its token (-1: not cancelled).</summary>
    public int StoppedOnThread => Volatile.Read(ref stoppedOnThread);

    public bool Leading { get; private set; }

    public bool EndsWhenStopped { get; set; } = true;

    public Action? WhenStopped { get; set; }

    public void Gain(string leader = "me")
    {
        OnNewLeader?.Invoke(leader);
        Leading = true;
        OnStartedLeading?.Invoke();
    }

    public void Lose()
    {
        Leading = false;
        OnStoppedLeading?.Invoke();
    }

    public void Error(Exception error) => OnError?.Invoke(error);

    public void End() => ended.TrySetResult();

    public Task RunUntilLeadershipLostAsync(CancellationToken cancellationToken)
    {
        Token = cancellationToken;
        cancellationToken.Register(() =>
        {
            Volatile.Write(ref stoppedOnThread, Environment.CurrentManagedThreadId);
            WhenStopped?.Invoke();
            if (!EndsWhenStopped) return;
            if (Leading) Lose();
            ended.TrySetCanceled(cancellationToken);
        });
        return ended.Task;
    }

    public void Dispose()
    {
    }
}
