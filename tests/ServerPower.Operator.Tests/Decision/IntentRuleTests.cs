using ServerPower.Api.Resources;
using ServerPower.Api.Vocabulary;
using ServerPower.Operator.Decision;
using static ServerPower.Operator.Tests.Decision.Cases;
using static ServerPower.Operator.Tests.Decision.DecisionMessages;

namespace ServerPower.Operator.Tests.Decision;

/// <summary>The desired state in force: an override says so in Ready and in events; a schedule not evaluated sends nothing.</summary>
public sealed class IntentRuleTests
{
    [Theory]
    [InlineData(false, "the server is Running (override Running in force)")]
    [InlineData(true, "the server is Running (override Running until 2026-11-22T12:00:00Z in force)")]
    public void Ready_says_when_an_override_is_in_force(bool withEnd, string message)
    {
        var r = DecideWith(Server(DesiredPowerState.Stopped), Observed(PowerState.Running), intent: Override(TargetPowerState.Running, withEnd ? Until : null));
        Assert.Equal(("True", Reasons.InDesiredState, message), ReadyMessageOf(r.Status));
    }

    [Fact]
    public void A_deletion_does_not_claim_the_override_is_in_force()
    {
        var r = DecideWith(BeingDeleted(T0.AddMinutes(-1)), Observed(PowerState.Running), intent: Override(TargetPowerState.Running, Until));
        Assert.Equal(ActionType.Stop, r.Action);
        Assert.DoesNotContain("override", Ready(r.Status).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_override_starting_and_ending_are_normal_events()
    {
        var started = DecideWith(Server(DesiredPowerState.Stopped), Observed(PowerState.Running), intent: Override(TargetPowerState.Running, null));
        Assert.Equal([(false, "OverrideStarted", "override Running is in force (annotation power.serverops.io/override)")], EventMessagesOf(started));

        var ended = DecideWith(Server(DesiredPowerState.Stopped, started.Status), Observed(PowerState.Running));
        Assert.Equal([(false, "OverrideEnded", "override Running ended: the annotation was removed")], EventMessagesOf(ended));
    }

    [Fact]
    public void A_scheduled_server_decided_without_its_schedule_says_nothing_is_sent()
    {
        const string message = "spec.state is Scheduled but its PowerSchedule was not evaluated; nothing is sent";
        var r = DecideWith(Server(DesiredPowerState.Scheduled), Observed(PowerState.Stopped));
        Assert.Null(r.Action);
        Assert.Equal(("False", Reasons.InvalidSpec, message), ReadyMessageOf(r.Status));
        Assert.Equal([(true, Reasons.InvalidSpec, message)], EventMessagesOf(r));
    }
}
