using ServerPower.Api.Resources;
using ServerPower.Api.Vocabulary;
using ServerPower.Operator.Tests.Tables;
using static ServerPower.Operator.Tests.Decision.Cases;
using static ServerPower.Operator.Tests.Decision.DecisionChecks;

namespace ServerPower.Operator.Tests.Decision;

/// <summary>managementPolicy Observe: reported, never acted on.</summary>
public sealed class ObserveRuleTests
{
    public static IEnumerable<TheoryDataRow<Row<ServerPowerDecisionResult>>> Rows => Table.Of<ServerPowerDecisionResult>(
    [
        new("Under Observe a new token is Skipped with a normal event",
            () => Checked(Decide(Server(spec: s => s with { ManagementPolicy = ManagementPolicy.Observe }, annotations: Restart("r1")), Observed(PowerState.Running))),
            r =>
            {
                Assert.Equal(OneShotPhase.Skipped, r.Status.Restart?.Phase);
                Assert.Equal([(false, "RestartSkipped")], EventsOf(r.Decision));
            }),
        .. from c in new (PowerState Power, string Reason, bool Resync, string Says)[]
           {
               (PowerState.Starting, Reasons.Starting, false, "starting"),
               (PowerState.Stopping, Reasons.Stopping, false, "stopping"),
               (PowerState.Busy, Reasons.ActionPending, false, "busy"),
               (PowerState.Stopped, Reasons.NotInDesiredState, true, "Stopped"),
           }
           select new Row<ServerPowerDecisionResult>($"Under Observe a transition is polled and a difference waits for the resync: {c.Power}",
               () => Checked(Decide(Server(spec: s => s with { ManagementPolicy = ManagementPolicy.Observe }), Observed(c.Power))),
               r =>
               {
                   Assert.Null(r.Action);
                   Assert.Equal(("False", c.Reason), ReadyOf(r.Status));
                   Assert.Contains(c.Says, Ready(r.Status).Message, StringComparison.Ordinal);
                   Assert.Equal(c.Resync ? Settings.ResyncPeriod : Settings.MinPoll, r.Decision.RequeueAfter);
               }),
        new("A state blind server under Observe is reported and never acted on",
            () => Checked(Decide(Server(spec: s => s with { ManagementPolicy = ManagementPolicy.Observe }), Blind())),
            r =>
            {
                Assert.Null(r.Action);
                Assert.Equal(("True", Reasons.ReconcileSucceeded), SyncedOf(r.Status));
                Assert.Equal(("True", Reasons.ActionAccepted), ReadyOf(r.Status));
                Assert.Equal(Settings.ResyncPeriod, r.Decision.RequeueAfter);
            }),
    ]);

    [Theory, MemberData(nameof(Rows))]
    public void Holds(Row<ServerPowerDecisionResult> row) => row.Run();
}
