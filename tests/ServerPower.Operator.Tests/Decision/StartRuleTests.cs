using ServerPower.Api.Resources;
using ServerPower.Api.Vocabulary;
using ServerPower.Operator.Tests.Tables;
using static ServerPower.Operator.Tests.Decision.Cases;
using static ServerPower.Operator.Tests.Decision.DecisionChecks;

namespace ServerPower.Operator.Tests.Decision;

/// <summary>Declared Running: a start is awaited within its window, polled with its age, and sent again after it.</summary>
public sealed class StartRuleTests
{
    public static IEnumerable<TheoryDataRow<Row<ServerPowerDecisionResult>>> Rows => Table.Of<ServerPowerDecisionResult>(
    [
        new("At the end of the start window a start is sent again with a warning",
            () => Checked(Decide(Server(status: new ServerPowerStatus { ObservedGeneration = 1, LastAction = Accepted(ActionType.Start, T0 - Settings.StartEffectTimeout) }), Observed(PowerState.Stopped))),
            r =>
            {
                Assert.Equal(ActionType.Start, r.Action);
                Assert.Equal([(true, "StartTimedOut")], EventsOf(r.Decision));
                Assert.Contains("Stopped", Ready(r.Status).Message, StringComparison.Ordinal);
            }),
        new("At the end of the start window a restart seen Running all along is settled",
            () => Checked(Decide(Server(status: new ServerPowerStatus { ObservedGeneration = 1, PowerState = PowerState.Running, LastAction = Accepted(ActionType.Restart, T0 - Settings.StartEffectTimeout, "t1") }), Observed(PowerState.Running))),
            r => Assert.Equal(T0, r.Status.LastAction?.SettledTime)),
        // The boundaries of Settles: a restart seen in the declared state twice, the second time a full poll window
        // (MaxPoll) after it, is its effect; with nothing stored, only the start window (StartEffectTimeout) settles it.
        .. from c in new (PowerState? Stored, TimeSpan Ago, bool Settled)[]
           {
               (PowerState.Running, Settings.MaxPoll, true),
               (PowerState.Running, Settings.MaxPoll - TimeSpan.FromSeconds(1), false),
               (null, Settings.StartEffectTimeout, true),
               (null, Settings.StartEffectTimeout - TimeSpan.FromSeconds(1), false),
           }
           select new Row<ServerPowerDecisionResult>($"A restart seen Running is settled at its window's end, not before: stored {c.Stored?.ToString() ?? "nothing"}, {c.Ago.TotalSeconds}s after it",
               () => Checked(Decide(Server(status: new ServerPowerStatus { ObservedGeneration = 1, PowerState = c.Stored, LastAction = Accepted(ActionType.Restart, T0 - c.Ago, "t1") }), Observed(PowerState.Running))),
               r => Assert.Equal(c.Settled ? T0 : null, r.Status.LastAction?.SettledTime)),
        .. from poll in new (int SecondsAgo, int Seconds)[] { (3, 2), (60, 20), (240, 30) }
           select new Row<ServerPowerDecisionResult>($"While a start is awaited polls back off with its age within the bounds: {poll.SecondsAgo}s after the start, every {poll.Seconds}s",
               () => Checked(Decide(Server(status: new ServerPowerStatus { ObservedGeneration = 1, LastAction = Accepted(ActionType.Start, T0.AddSeconds(-poll.SecondsAgo)) }), Observed(PowerState.Starting))),
               r =>
               {
                   Assert.Null(r.Action);
                   Assert.Equal(TimeSpan.FromSeconds(poll.Seconds), r.Decision.RequeueAfter);
               }),
        new("A start awaited while the server is still Stopped says what it waits for",
            () => Checked(Decide(Server(status: new ServerPowerStatus { ObservedGeneration = 1, LastAction = Accepted(ActionType.Start, T0.AddMinutes(-1)) }), Observed(PowerState.Stopped))),
            r =>
            {
                Assert.Null(r.Action);
                Assert.Equal(("False", Reasons.ActionPending), ReadyOf(r.Status));
                Assert.Contains("Start accepted", Ready(r.Status).Message, StringComparison.Ordinal);
            }),
    ]);

    [Theory, MemberData(nameof(Rows))]
    public void Holds(Row<ServerPowerDecisionResult> row) => row.Run();
}
