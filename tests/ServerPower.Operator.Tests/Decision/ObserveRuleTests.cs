using ServerPower.Api.Resources;
using ServerPower.Api.Vocabulary;
using static ServerPower.Operator.Tests.Decision.Cases;
using static ServerPower.Operator.Tests.Decision.DecisionChecks;

namespace ServerPower.Operator.Tests.Decision;

/// <summary>managementPolicy Observe: reported, never acted on.</summary>
public sealed class ObserveRuleTests
{
    [Fact]
    public void Under_Observe_a_new_token_is_Skipped_with_a_normal_event()
    {
        var r = Checked(Decide(Server(spec: s => s with { ManagementPolicy = ManagementPolicy.Observe }, annotations: Restart("r1")), Observed(PowerState.Running)));
        Assert.Equal(OneShotPhase.Skipped, r.Status.Restart?.Phase);
        Assert.Equal([(false, "RestartSkipped")], EventsOf(r.Decision));
    }

    [Theory]
    [InlineData(PowerState.Starting, Reasons.Starting, false, "starting")]
    [InlineData(PowerState.Stopping, Reasons.Stopping, false, "stopping")]
    [InlineData(PowerState.Busy, Reasons.ActionPending, false, "busy")]
    [InlineData(PowerState.Stopped, Reasons.NotInDesiredState, true, "Stopped")]
    public void Under_Observe_a_transition_is_polled_and_a_difference_waits_for_the_resync(PowerState power, string reason, bool resync, string says)
    {
        var r = Checked(Decide(Server(spec: s => s with { ManagementPolicy = ManagementPolicy.Observe }), Observed(power)));
        Assert.Null(r.Action);
        Assert.Equal(("False", reason), ReadyOf(r.Status));
        Assert.Contains(says, Ready(r.Status).Message, StringComparison.Ordinal);
        Assert.Equal(resync ? Settings.ResyncPeriod : Settings.MinPoll, r.Decision.RequeueAfter);
    }

    [Fact]
    public void A_state_blind_server_under_Observe_is_reported_and_never_acted_on()
    {
        var r = Checked(Decide(Server(spec: s => s with { ManagementPolicy = ManagementPolicy.Observe }), Blind()));
        Assert.Null(r.Action);
        Assert.Equal(("True", Reasons.ReconcileSucceeded), SyncedOf(r.Status));
        Assert.Equal(("True", Reasons.ActionAccepted), ReadyOf(r.Status));
        Assert.Equal(Settings.ResyncPeriod, r.Decision.RequeueAfter);
    }
}
