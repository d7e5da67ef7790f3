using ServerPower.Runtime;

namespace ServerPower.Systematic.Tests;

/// <summary>What the scenario sends an elector: the lease is won, lost, or a lease call fails.</summary>
internal enum LeaseTurn
{
    Gain,
    Loss,
    Error,
}

/// <summary>
/// One elector's attempt as KubernetesClient's runs it, driven by <see cref="Send"/>: acquiring until a gain (an
/// error is reported through OnError, or ends the attempt with an exception, as the seed picks), then OnStartedLeading,
/// leading until a loss or its token is cancelled, and OnStoppedLeading in both cases; cancelled while acquiring, it
/// throws. Each turn arrives as a step of its own.
/// </summary>
internal sealed class ScriptedElector(DeterministicScheduler scheduler, ScriptedElection election) : ILeaderElector
{
    private TaskCompletionSource<LeaseTurn>? waiting;

    public event Action? OnStartedLeading;

    public event Action? OnStoppedLeading;

    public event Action<string>? OnNewLeader;

    public event Action<Exception>? OnError;

    public bool StartedLeading { get; private set; }

    public bool LostLeadership { get; private set; }

    public bool Leading { get; private set; }

    public bool Ended { get; private set; }

    public string Describe() => $"started leading: {StartedLeading}, lost: {LostLeadership}, ended: {Ended}";

    /// <summary>The next turn, delivered as a step of its own; dropped when the elector waits for none.</summary>
    public void Send(LeaseTurn turn)
    {
        if (waiting is { } current) scheduler.Dispatch(() => current.TrySetResult(turn));
    }

    public async Task RunUntilLeadershipLostAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                var turn = await NextAsync(cancellationToken);
                if (turn == LeaseTurn.Gain) break;
                if (turn != LeaseTurn.Error) continue;
                OnError?.Invoke(new InvalidOperationException("scripted: a lease call failed"));
                if (scheduler.Choices.Next(2) == 0) throw new InvalidOperationException("scripted: the elector failed");
            }
            OnNewLeader?.Invoke(ScriptedElection.Me);
            StartedLeading = Leading = true;
            OnStartedLeading?.Invoke();
            election.AfterGain();
            try
            {
                while (await NextAsync(cancellationToken) != LeaseTurn.Loss)
                {
                }
                // A loss that comes once the election has stopped this elector (at shutdown, after the work drained) is
                // its own stop to the election, as it is with KubernetesClient's: the release may follow, harmless.
                LostLeadership = !cancellationToken.IsCancellationRequested;
            }
            finally
            {
                Leading = false;
                OnStoppedLeading?.Invoke();
                if (LostLeadership) election.AfterLoss();
            }
        }
        finally
        {
            Ended = true;
            waiting = null;
        }
    }

    public void Dispose()
    {
    }

    private async Task<LeaseTurn> NextAsync(CancellationToken cancellationToken)
    {
        scheduler.CheckThread("an elector");
        cancellationToken.ThrowIfCancellationRequested();
        var next = waiting = new TaskCompletionSource<LeaseTurn>();
        await using (cancellationToken.Register(() => scheduler.Dispatch(() => next.TrySetCanceled(cancellationToken))))
        {
            return await next.Task;
        }
    }
}
