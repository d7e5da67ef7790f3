using ServerPower.Api.Resources;
using ServerPower.Api.Vocabulary;
using ServerPower.Operator.Tests.Tables;
using static ServerPower.Operator.Tests.Decision.Cases;
using static ServerPower.Operator.Tests.Decision.DecisionChecks;

namespace ServerPower.Operator.Tests.Decision;

/// <summary>Declared Stopped: a stop is awaited within the grace period, then escalated to a kill or sent again; a server in transition is stopped once that ends.</summary>
public sealed class StopRuleTests
{
    public static IEnumerable<TheoryDataRow<Row<ServerPowerDecisionResult>>> Rows => Table.Of<ServerPowerDecisionResult>(
    [
        new("At the end of the stop grace period the kill is sent",
            () =>
            {
                var status = new ServerPowerStatus { ObservedGeneration = 1, LastAction = Accepted(ActionType.Stop, T0.AddMinutes(-10).AddSeconds(-1)) };
                var server = Server(DesiredPowerState.Stopped, status, s => s with { Stop = new StopSpec { GracePeriod = "10m", OnTimeout = StopTimeoutAction.Kill } });
                return Checked(Decide(server, Observed(PowerState.Stopping, Wings)));
            },
            r =>
            {
                Assert.Equal(ActionType.Kill, r.Action);
                Assert.Equal([(true, "StopTimedOut")], EventsOf(r.Decision));
                Assert.Contains("10m", Ready(r.Status).Message, StringComparison.Ordinal);
            }),
        // Status times are whole seconds: a stop recorded at 09:50:00 may have been taken at 09:50:00.9, so at 10:00:00
        // its 10m have not passed yet (end to end, a 1s grace period once got a kill 0.1 s after the stop).
        new("A stop recorded exactly the grace period ago is still awaited: the provider may have taken it up to a second after the recorded second",
            () =>
            {
                var status = new ServerPowerStatus { ObservedGeneration = 1, LastAction = Accepted(ActionType.Stop, T0.AddMinutes(-10)) };
                var server = Server(DesiredPowerState.Stopped, status, s => s with { Stop = new StopSpec { GracePeriod = "10m", OnTimeout = StopTimeoutAction.Kill } });
                return Checked(Decide(server, Observed(PowerState.Stopping, Wings)));
            },
            r =>
            {
                Assert.Null(r.Action);
                Assert.Equal(("False", Reasons.Stopping), ReadyOf(r.Status));
            }),
        .. from c in new (PowerState Power, string Reason)[] { (PowerState.Stopping, Reasons.Stopping), (PowerState.Running, Reasons.ActionPending) }
           select new Row<ServerPowerDecisionResult>($"Within the grace period a stop is awaited: {c.Power}",
               () => Checked(Decide(Server(DesiredPowerState.Stopped, new ServerPowerStatus { ObservedGeneration = 1, Conditions = ReadyTrue(), LastAction = Accepted(ActionType.Stop, T0.AddMinutes(-1)) }), Observed(c.Power))),
               r =>
               {
                   Assert.Null(r.Action);
                   Assert.Equal(("False", c.Reason), ReadyOf(r.Status));
               }),
        .. from c in new (ActionType Last, StopTimeoutAction OnTimeout, bool HasKill, string? Why)[]
           {
               (ActionType.Kill, StopTimeoutAction.Kill, true, "kill did not stop it"),
               (ActionType.Stop, StopTimeoutAction.Kill, false, "has no kill"),
               (ActionType.Stop, StopTimeoutAction.Wait, true, null),
           }
           select new Row<ServerPowerDecisionResult>($"A stop sent again after the grace period says why there is no kill: last {c.Last}, onTimeout {c.OnTimeout}, {(c.HasKill ? "with" : "without")} kill",
               () =>
               {
                   var status = new ServerPowerStatus { ObservedGeneration = 1, LastAction = Accepted(c.Last, T0.AddMinutes(-11)) };
                   var server = Server(DesiredPowerState.Stopped, status, s => s with { Stop = new StopSpec { GracePeriod = "10m", OnTimeout = c.OnTimeout } });
                   return Checked(Decide(server, Observed(PowerState.Stopping, c.HasKill ? Wings : Wenium)));
               },
               r =>
               {
                   Assert.Equal(ActionType.Stop, r.Action);
                   Assert.Contains("still Stopping", Ready(r.Status).Message, StringComparison.Ordinal);
                   var timedOut = Assert.Single(r.Decision.Events);
                   Assert.Equal((true, "StopTimedOut"), (timedOut.Warning, timedOut.Reason));
                   if (c.Why is null) Assert.Matches("within [^;]+; sending stop again$", timedOut.Message);
                   else Assert.Contains(c.Why, timedOut.Message, StringComparison.Ordinal);
               }),
        new("A stop the provider cannot send is Unsupported until the resync",
            () => Checked(Decide(Server(DesiredPowerState.Stopped), Observed(PowerState.Running, NoStop))),
            r =>
            {
                Assert.Null(r.Action);
                Assert.Equal(("False", Reasons.Unsupported), ReadyOf(r.Status));
                Assert.Equal(Settings.ResyncPeriod, r.Decision.RequeueAfter);
            }),
        .. from c in new (PowerState Power, string Reason, ActionType? Action)[] { (PowerState.Starting, Reasons.Starting, null), (PowerState.Busy, Reasons.ActionPending, null), (PowerState.Running, Reasons.ActionPending, ActionType.Stop) }
           select new Row<ServerPowerDecisionResult>($"Declared Stopped a server in transition is stopped once that ends: {c.Power}",
               () => Checked(Decide(Server(DesiredPowerState.Stopped), Observed(c.Power))),
               r =>
               {
                   Assert.Equal(c.Action, r.Action);
                   Assert.Equal(("False", c.Reason), ReadyOf(r.Status));
                   // The user reads what the provider reported.
                   Assert.Contains(c.Power.ToString().ToLowerInvariant(), Ready(r.Status).Message, StringComparison.OrdinalIgnoreCase);
               }),
    ]);

    [Theory, MemberData(nameof(Rows))]
    public void Holds(Row<ServerPowerDecisionResult> row) => row.Run();
}
