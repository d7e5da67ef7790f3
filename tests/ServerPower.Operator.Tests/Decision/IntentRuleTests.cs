using ServerPower.Api.Resources;
using ServerPower.Api.Vocabulary;
using ServerPower.Operator.Decision;
using ServerPower.Operator.Tests.Tables;
using static ServerPower.Operator.Tests.Decision.Cases;
using static ServerPower.Operator.Tests.Decision.DecisionMessages;

namespace ServerPower.Operator.Tests.Decision;

/// <summary>The desired state in force: an override says so in Ready and in events; a schedule not evaluated sends nothing.</summary>
public sealed class IntentRuleTests
{
    public static IEnumerable<TheoryDataRow<Row<ServerPowerDecisionResult>>> Rows => Table.Of<ServerPowerDecisionResult>(
    [
        .. from c in new (bool WithEnd, string Message)[] { (false, "the server is Running (override Running in force)"), (true, "the server is Running (override Running until 2026-11-22T12:00:00Z in force)") }
           select new Row<ServerPowerDecisionResult>($"Ready says when an override is in force ({(c.WithEnd ? "with" : "without")} an end)",
               () => DecideWith(Server(DesiredPowerState.Stopped), Observed(PowerState.Running), intent: Override(TargetPowerState.Running, c.WithEnd ? Until : null)),
               r => Assert.Equal(("True", Reasons.InDesiredState, c.Message), ReadyMessageOf(r.Status))),
        new("A deletion does not claim the override is in force",
            () => DecideWith(BeingDeleted(T0.AddMinutes(-1)), Observed(PowerState.Running), intent: Override(TargetPowerState.Running, Until)),
            r =>
            {
                Assert.Equal(ActionType.Stop, r.Action);
                Assert.DoesNotContain("override", Ready(r.Status).Message, StringComparison.Ordinal);
            }),
        new("An override starting and then ending are normal events",
            () => DecideWith(Server(DesiredPowerState.Stopped), Observed(PowerState.Running), intent: Override(TargetPowerState.Running, null)),
            started =>
            {
                Assert.Equal([(false, "OverrideStarted", "override Running is in force (annotation power.serverops.io/override)")], EventMessagesOf(started));
                var ended = DecideWith(Server(DesiredPowerState.Stopped, started.Status), Observed(PowerState.Running));
                Assert.Equal([(false, "OverrideEnded", "override Running ended: the annotation was removed")], EventMessagesOf(ended));
            }),
        new("A scheduled server decided without its schedule says nothing is sent",
            () => DecideWith(Server(DesiredPowerState.Scheduled), Observed(PowerState.Stopped)),
            r =>
            {
                const string message = "spec.state is Scheduled but its PowerSchedule was not evaluated; nothing is sent";
                Assert.Null(r.Action);
                Assert.Equal(("False", Reasons.InvalidSpec, message), ReadyMessageOf(r.Status));
                Assert.Equal([(true, Reasons.InvalidSpec, message)], EventMessagesOf(r));
            }),
    ]);

    [Theory, MemberData(nameof(Rows))]
    public void Holds(Row<ServerPowerDecisionResult> row) => row.Run();
}
