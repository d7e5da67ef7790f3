using k8s.LeaderElection;
using ServerPower.Runtime;

namespace ServerPower.Systematic.Tests;

/// <summary>
/// The lease as the scenario scripts it, for one <see cref="LeaderElection"/>: a new <see cref="ScriptedElector"/>
/// per attempt (gains, losses and errors come when the scenario sends them), the lease lock (which records releases)
/// and the work run while leading, which checks the term logic as it runs. KubernetesClient's LeaderElector cannot
/// run here: it reads the wall clock (DateTimeOffset.Now, Task.Delay without a TimeProvider), not the fake one.
/// </summary>
internal sealed class ScriptedElection(DeterministicScheduler scheduler, TimeProvider time) : ILock
{
    public const string Me = "me";

    private readonly List<ScriptedElector> electors = [];
    private CancellationToken? workToken;
    private int working;

    public LeaderElection Election { get; set; } = null!;

    public List<string> Violations { get; } = [];

    /// <summary>Set by the scenario just before it cancels the election's token.</summary>
    public bool ShuttingDown { get; set; }

    public int Terms { get; private set; }

    public int Releases { get; private set; }

    public ScriptedElector? Current => electors.Count == 0 ? null : electors[^1];

    public int Working => working;

    /// <summary>The election's elector seam: a new elector for each attempt.</summary>
    public ILeaderElector NewElector()
    {
        scheduler.CheckThread("a new elector");
        if (Current is { Ended: false }) Violations.Add("a new elector was made while the last one still runs");
        var elector = new ScriptedElector(scheduler, this);
        electors.Add(elector);
        return elector;
    }

    /// <summary>The work run while leading: it runs until its token is cancelled, then drains for 0–5 s.</summary>
    public async Task WorkAsync(CancellationToken token)
    {
        scheduler.CheckThread("a term's work");
        Terms++;
        if (working++ > 0) Violations.Add($"term {Terms}'s work started while an earlier term's work still runs");
        if (Current is { LostLeadership: true } && !token.IsCancellationRequested)
            Violations.Add($"term {Terms}'s work started after the loss with a live token");
        if (!token.IsCancellationRequested && !Election.IsLeader) Violations.Add($"term {Terms}'s work runs while IsLeader is false");
        workToken = token;
        try
        {
            var stopped = new TaskCompletionSource();
            await using (token.Register(() => scheduler.Dispatch(() => stopped.TrySetResult())))
            {
                await stopped.Task;
            }
            await scheduler.DelayAsync(time, TimeSpan.FromMilliseconds(scheduler.Choices.Next(5000)), CancellationToken.None);
        }
        finally
        {
            working--;
            workToken = null;
            scheduler.CheckThread("the end of a term's work");
        }
    }

    /// <summary>Called by an elector right after it raised OnStoppedLeading for a loss.</summary>
    public void AfterLoss()
    {
        if (workToken is { IsCancellationRequested: false }) Violations.Add($"term {Terms}'s work token is not cancelled after the loss");
        if (Election.IsLeader) Violations.Add("IsLeader is true after the loss");
    }

    /// <summary>Called by an elector right after it raised OnStartedLeading.</summary>
    public void AfterGain()
    {
        if (!ShuttingDown && !Election.IsLeader) Violations.Add("IsLeader is false after gaining leadership");
    }

    /// <summary>At the end: one release exactly when the last elector gained leadership and did not lose it.</summary>
    public IEnumerable<string> Final()
    {
        var expected = Current is { StartedLeading: true, LostLeadership: false } ? 1 : 0;
        if (Releases != expected) yield return $"{Releases} releases at shutdown, expected {expected} (last elector: {Current?.Describe() ?? "none"})";
        if (Election.IsLeader) yield return "IsLeader is true after the election ended";
        if (working > 0) yield return "a term's work is still running after the election ended";
    }

    public string Identity => Me;

    public string Describe() => "scripted lease";

    /// <summary>The lease still names this replica: after a loss the record may well name it, until someone takes it.</summary>
    public Task<LeaderElectionRecord> GetAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult(new LeaderElectionRecord { HolderIdentity = Me, LeaseDurationSeconds = 15, LeaderTransitions = 1 });

    public Task<bool> CreateAsync(LeaderElectionRecord record, CancellationToken cancellationToken = default) => Task.FromResult(true);

    public Task<bool> UpdateAsync(LeaderElectionRecord record, CancellationToken cancellationToken = default)
    {
        scheduler.CheckThread("a lease update");
        if (record.HolderIdentity != string.Empty) return Task.FromResult(true);
        Releases++;
        if (!ShuttingDown) Violations.Add("the lease was released before shutdown");
        if (Current is not { StartedLeading: true, LostLeadership: false })
            Violations.Add($"the lease was released by an elector that {Current?.Describe() ?? "does not exist"}");
        if (working > 0) Violations.Add("the lease was released while a term's work still runs");
        return Task.FromResult(true);
    }
}
