using ServerPower.Api.Resources;
using ServerPower.Api.Vocabulary;
using ServerPower.Operator.Decision;
using ServerPower.Providers.Contract;
using static ServerPower.Operator.Tests.Decision.Cases;
using static ServerPower.Operator.Tests.Decision.DecisionChecks;

namespace ServerPower.Operator.Tests.Decision;

/// <summary>A provider that cannot read state: the declared action is asserted, reasserted after its interval, and a deletion goes once a stop is accepted.</summary>
public sealed class StateBlindRuleTests
{
    [Fact]
    public void A_state_blind_first_action_is_Ready_False_while_it_is_sent()
    {
        var r = Checked(Decide(Server(status: new ServerPowerStatus { ObservedGeneration = 1, Conditions = ReadyTrue() }), Blind()));
        Assert.Equal(ActionType.Start, r.Action);
        Assert.Equal(("False", Reasons.ActionPending), ReadyOf(r.Status));
    }

    [Fact]
    public void A_state_blind_accepted_action_restores_Synced_and_Ready_and_reasserts_within_its_interval()
    {
        var status = new ServerPowerStatus
        {
            ObservedGeneration = 1,
            LastAction = Accepted(ActionType.Start, T0.AddMinutes(-1)),
            Conditions = [new Api.Resources.Condition { Type = ConditionTypes.Synced, Status = ConditionStatus.False, Reason = Reasons.InvalidSpec, Message = "an annotation since removed", LastTransitionTime = T0.AddMinutes(-1) }],
        };
        var reassert = TimeSpan.FromMinutes(2);
        var r = Checked(Decide(Server(status: status), Blind(reassert)));
        Assert.Null(r.Action);
        Assert.Equal(("True", Reasons.ReconcileSucceeded), SyncedOf(r.Status));
        Assert.Equal(("True", Reasons.ActionAccepted), ReadyOf(r.Status));
        Assert.True(r.Decision.RequeueAfter <= reassert);
    }

    [Fact]
    public void A_state_blind_action_is_reasserted_when_exactly_its_interval_has_passed()
    {
        var reassert = TimeSpan.FromMinutes(2);
        var status = new ServerPowerStatus { ObservedGeneration = 1, LastAction = Accepted(ActionType.Start, T0 - reassert) };
        Assert.Equal(ActionType.Start, Checked(Decide(Server(status: status), Blind(reassert))).Action);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_state_blind_accepted_stop_lets_a_deletion_go_and_nothing_else(bool deleting)
    {
        var status = new ServerPowerStatus { ObservedGeneration = 1, LastAction = Accepted(ActionType.Stop, T0.AddMinutes(-1)) };
        var server = Server(DesiredPowerState.Stopped, status);
        var r = Checked(Decide(deleting ? Deleting(server) : server, Blind()));
        Assert.Null(r.Action);
        Assert.Equal(deleting, r.Decision.ReleaseFinalizer);
    }

    [Fact]
    public void A_state_blind_action_the_provider_cannot_send_is_Unsupported()
    {
        var r = Checked(Decide(Server(DesiredPowerState.Stopped), new ProviderView.Resolved(ProviderType.Heo, BlindStartOnly, null, null)));
        Assert.Null(r.Action);
        Assert.Equal(("False", Reasons.Unsupported), ReadyOf(r.Status));
        Assert.Equal(Settings.ResyncPeriod, r.Decision.RequeueAfter);
    }

    [Fact]
    public void A_state_blind_stop_accepted_outside_a_deletion_is_reasserted_within_its_interval()
    {
        var reassert = TimeSpan.FromMinutes(1);
        var after = Checked(Decide(Server(DesiredPowerState.Stopped), Blind(reassert)).After(ProviderOutcome.Accepted()));
        Assert.Equal(reassert, after.RequeueAfter);
        Assert.False(after.ReleaseFinalizer);
    }

    [Fact]
    public void A_state_blind_stop_accepted_at_deletion_lets_it_go()
    {
        var after = Checked(Decide(Deleting(Server()), Blind()).After(ProviderOutcome.Accepted()));
        Assert.True(after.ReleaseFinalizer);
    }
}
