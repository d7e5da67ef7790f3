using ServerPower.Api.Resources;
using ServerPower.Api.Vocabulary;
using ServerPower.Operator.Decision;
using ServerPower.Operator.Tests.Tables;
using ServerPower.Providers.Contract;
using static ServerPower.Operator.Tests.Decision.Cases;
using static ServerPower.Operator.Tests.Decision.DecisionChecks;
using DecisionResult = ServerPower.Operator.Decision.Decision;

namespace ServerPower.Operator.Tests.Decision;

/// <summary>A provider that cannot read state: the declared action is asserted, reasserted after its interval, and a deletion goes once a stop is accepted.</summary>
public sealed class StateBlindRuleTests
{
    private static readonly TimeSpan Reassert = TimeSpan.FromMinutes(2);

    public static IEnumerable<TheoryDataRow<Row<DecisionResult>>> Rows => Table.Of<DecisionResult>(
    [
        new("A state blind first action is Ready False while it is sent",
            () => Checked(Decide(Server(status: new ServerPowerStatus { ObservedGeneration = 1, Conditions = ReadyTrue() }), Blind())).Decision,
            d =>
            {
                Assert.Equal(ActionType.Start, d.Action?.Type);
                Assert.Equal(("False", Reasons.ActionPending), ReadyOf(d.Status));
            }),
        new("A state blind restart accepted is Ready False until the provider reports the result",
            () => Checked(Decide(Server(annotations: Restart("r1")), Blind()).After(ProviderOutcome.Accepted("restarting"))),
            d =>
            {
                Assert.Equal(("True", Reasons.ReconcileSucceeded), SyncedOf(d.Status));
                Assert.Equal((ConditionStatus.False, Reasons.ActionPending, "Restart accepted; waiting for the provider to report the result"),
                    (Ready(d.Status).Status, Ready(d.Status).Reason, Ready(d.Status).Message));
            }),
        new("A state blind accepted action restores Synced and Ready and reasserts within its interval",
            () =>
            {
                var status = new ServerPowerStatus
                {
                    ObservedGeneration = 1,
                    LastAction = Accepted(ActionType.Start, T0.AddMinutes(-1)),
                    Conditions = [new Api.Resources.Condition { Type = ConditionTypes.Synced, Status = ConditionStatus.False, Reason = Reasons.InvalidSpec, Message = "an annotation since removed", LastTransitionTime = T0.AddMinutes(-1) }],
                };
                return Checked(Decide(Server(status: status), Blind(Reassert))).Decision;
            },
            d =>
            {
                Assert.Null(d.Action);
                Assert.Equal(("True", Reasons.ReconcileSucceeded), SyncedOf(d.Status));
                Assert.Equal(("True", Reasons.ActionAccepted), ReadyOf(d.Status));
                Assert.True(d.RequeueAfter <= Reassert);
            }),
        new("A state blind action is reasserted when exactly its interval has passed",
            () => Checked(Decide(Server(status: new ServerPowerStatus { ObservedGeneration = 1, LastAction = Accepted(ActionType.Start, T0 - Reassert) }), Blind(Reassert))).Decision,
            d => Assert.Equal(ActionType.Start, d.Action?.Type)),
        .. from deleting in new[] { false, true }
           select new Row<DecisionResult>(deleting ? "A state blind accepted stop lets a deletion go" : "A state blind accepted stop lets nothing else go",
               () =>
               {
                   var server = Server(DesiredPowerState.Stopped, new ServerPowerStatus { ObservedGeneration = 1, LastAction = Accepted(ActionType.Stop, T0.AddMinutes(-1)) });
                   return Checked(Decide(deleting ? Deleting(server) : server, Blind())).Decision;
               },
               d =>
               {
                   Assert.Null(d.Action);
                   Assert.Equal(deleting, d.ReleaseFinalizer);
               }),
        new("A state blind action the provider cannot send is Unsupported",
            () => Checked(Decide(Server(DesiredPowerState.Stopped), new ProviderView.Resolved(ProviderType.Heo, BlindStartOnly, null, null))).Decision,
            d =>
            {
                Assert.Null(d.Action);
                Assert.Equal(("False", Reasons.Unsupported), ReadyOf(d.Status));
                Assert.Equal(Settings.ResyncPeriod, d.RequeueAfter);
            }),
        new("A state blind stop accepted outside a deletion is reasserted within its interval",
            () => Checked(Decide(Server(DesiredPowerState.Stopped), Blind(TimeSpan.FromMinutes(1))).After(ProviderOutcome.Accepted())),
            after =>
            {
                Assert.Equal(TimeSpan.FromMinutes(1), after.RequeueAfter);
                Assert.False(after.ReleaseFinalizer);
            }),
        new("A state blind stop accepted at deletion lets it go",
            () => Checked(Decide(Deleting(Server()), Blind()).After(ProviderOutcome.Accepted())),
            after => Assert.True(after.ReleaseFinalizer)),
    ]);

    [Theory, MemberData(nameof(Rows))]
    public void Holds(Row<DecisionResult> row) => row.Run();
}
