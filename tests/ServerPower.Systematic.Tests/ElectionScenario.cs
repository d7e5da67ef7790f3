using Microsoft.Extensions.Logging.Abstractions;
using ServerPower.Runtime;

namespace ServerPower.Systematic.Tests;

/// <summary>
/// <see cref="LeaderElection"/>'s own term logic on the scheduler, with a <see cref="ScriptedElection"/> in place of
/// KubernetesClient's elector (which reads the wall clock, so it cannot run under the fake one): gains, losses and
/// errors arrive at steps the seed picks while time passes (the 2 s retry between attempts, work draining 0–5 s),
/// then shutdown comes at a seeded step, possibly mid-term, mid-drain or between attempts, and turns go on until
/// the election returns. Checked (<see cref="ScriptedElection"/>): two terms' work never overlaps; after a loss the
/// work token is cancelled and IsLeader is false; a term's work sees IsLeader or a cancelled token; no new elector
/// while the last one runs; the lease is released only at shutdown, only by an elector that gained and did not
/// lose leadership, after the work drained, and then exactly once; LeadershipChanged alternates, ends false.
/// </summary>
internal static class ElectionScenario
{
    public const int Changes = 40;

    public static async Task RunAsync(DeterministicScheduler scheduler, List<string> violations, SharedLedger shared)
    {
        var choices = scheduler.Choices;
        var time = ScenarioSteps.NewTime();
        var scripted = new ScriptedElection(scheduler, time);
        var election = new LeaderElection(new LeaderElectionOptions { Identity = ScriptedElection.Me }, scripted,
            NullLogger.Instance, time: time)
        {
            Elector = scripted.NewElector,
            Dispatch = scheduler.Dispatch,
            Delay = (delay, token) => scheduler.DelayAsync(time, delay, token),
        };
        scripted.Election = election;
        var changes = new List<bool>();
        election.LeadershipChanged += leading =>
        {
            if (changes.Count > 0 ? changes[^1] == leading : !leading) violations.Add($"LeadershipChanged({leading}) twice in a row");
            changes.Add(leading);
        };

        using var stop = new CancellationTokenSource();
        var electing = election.RunAsync(scripted.WorkAsync, stop.Token);
        var shutdownAt = Changes / 4 + choices.Next(Changes * 3 / 4);
        for (var change = 0; change < Changes || !electing.IsCompleted; change++)
        {
            if (change == shutdownAt)
            {
                scripted.ShuttingDown = true;
                stop.Cancel();
            }
            switch (choices.Next(7))
            {
                case 0: case 1: scripted.Current?.Send(LeaseTurn.Gain); break;
                case 2: scripted.Current?.Send(LeaseTurn.Loss); break;
                case 3: scripted.Current?.Send(LeaseTurn.Error); break;
                default: time.Advance(TimeSpan.FromMilliseconds(choices.Next(3000))); break;
            }
            for (var i = choices.Next(4); i >= 0; i--) await scheduler.Yield();
            if (change > Changes + 200)
            {
                violations.Add($"the election has not returned 200 turns after shutdown (work running: {scripted.Working})");
                break;
            }
        }
        await electing;
        violations.AddRange(scripted.Violations);
        violations.AddRange(scripted.Final());
        if (changes.Count > 0 && changes[^1]) violations.Add("the last LeadershipChanged said leading");
    }
}
