using ServerPower.Api.Resources;
using ServerPower.Api.Vocabulary;
using ServerPower.Operator.Decision;
using ServerPower.Providers.Contract;
using static ServerPower.Operator.Tests.Decision.Cases;
using static ServerPower.Operator.Tests.Decision.DecisionChecks;
using static ServerPower.Operator.Tests.Decision.DecisionMessages;

namespace ServerPower.Operator.Tests.Decision;

/// <summary>The provider's answer to an action: how it is recorded, reported, retried, and when it lets a deletion go.</summary>
public sealed class ActionAnswerRuleTests
{
    [Fact]
    public void The_answer_keeps_the_decisions_events_and_adds_its_own()
    {
        var r = Decide(Server(DesiredPowerState.Stopped, annotations: Restart("not valid!")), Observed(PowerState.Running));
        var after = Checked(r.After(ProviderOutcome.Accepted("stopping")));
        Assert.Equal([(true, Reasons.InvalidSpec), (false, "StopAccepted")], EventsOf(after));
    }

    [Theory]
    [InlineData("stopping now", "stopping now")]
    [InlineData("", "Accepted")]
    public void The_recorded_answer_is_the_providers_message_or_else_the_outcome(string message, string recorded)
    {
        var after = Checked(Decide(Server(DesiredPowerState.Stopped), Observed(PowerState.Running)).After(ProviderOutcome.Accepted(message)));
        Assert.Equal(recorded, after.Status.LastAction?.Message);
        Assert.Equal(("False", Reasons.ActionPending), ReadyOf(after.Status));
        Assert.Contains("accepted", Ready(after.Status).Message, StringComparison.Ordinal);
        Assert.Equal(Settings.MinPoll, after.RequeueAfter);
    }

    [Theory]
    [InlineData(OutcomeKind.Unavailable, true)]
    [InlineData(OutcomeKind.Forbidden, false)]
    public void A_refused_action_is_a_warning_and_Ready_False_with_the_providers_words(OutcomeKind kind, bool backoff)
    {
        var after = Checked(Decide(Server(DesiredPowerState.Stopped), Observed(PowerState.Running)).After(new ProviderOutcome(kind, "refused upstream")));
        Assert.Equal([(true, "StopFailed")], EventsOf(after));
        Assert.Equal(("False", Reasons.ProviderError), ReadyOf(after.Status));
        Assert.Contains("refused upstream", Ready(after.Status).Message, StringComparison.Ordinal);
        Assert.DoesNotContain("deletionPolicy", Ready(after.Status).Message, StringComparison.Ordinal);
        Assert.Equal(backoff, after.Failed);
    }

    [Fact]
    public void A_busy_refusal_is_no_sync_failure_and_says_the_server_is_busy()
    {
        var after = Checked(Decide(Server(DesiredPowerState.Stopped), Observed(PowerState.Running)).After(new ProviderOutcome(OutcomeKind.Busy, "installing")));
        Assert.Equal(("True", Reasons.ReconcileSucceeded), SyncedOf(after.Status));
        Assert.Contains("busy", Synced(after.Status)!.Message, StringComparison.Ordinal);
        Assert.Equal(("False", Reasons.ActionPending), ReadyOf(after.Status));
        Assert.Contains("busy", Ready(after.Status).Message, StringComparison.Ordinal);
        Assert.Equal(Settings.MaxPoll, after.RequeueAfter);
    }

    [Fact]
    public void A_suspended_refusal_is_no_sync_failure()
    {
        var after = Checked(Decide(Server(DesiredPowerState.Stopped), Observed(PowerState.Running)).After(new ProviderOutcome(OutcomeKind.Suspended, "on hold")));
        Assert.Equal(("True", Reasons.ReconcileSucceeded), SyncedOf(after.Status));
        Assert.Contains("suspended", Synced(after.Status)!.Message, StringComparison.Ordinal);
        Assert.Equal(("False", Reasons.ServerSuspended), ReadyOf(after.Status));
        Assert.Equal(Settings.MaxPoll, after.RequeueAfter);
    }

    [Fact]
    public void An_unsupported_answer_is_Ready_False_Unsupported_until_the_resync()
    {
        var after = Checked(Decide(Server(DesiredPowerState.Stopped), Observed(PowerState.Running)).After(ProviderOutcome.Unsupported("no stop for this plan")));
        Assert.Equal(("False", Reasons.Unsupported), ReadyOf(after.Status));
        Assert.Equal(Settings.ResyncPeriod, after.RequeueAfter);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_stop_answered_not_found_lets_only_a_deletion_go(bool deleting)
    {
        var server = Server(DesiredPowerState.Stopped);
        var after = Checked(Decide(deleting ? Deleting(server) : server, Observed(PowerState.Running)).After(new ProviderOutcome(OutcomeKind.NotFound, "no such server")));
        Assert.Equal(("False", Reasons.ProviderError), ReadyOf(after.Status));
        Assert.Equal(deleting, after.ReleaseFinalizer);
        TimeSpan? requeue = deleting ? null : Settings.MaxPoll;
        Assert.Equal(requeue, after.RequeueAfter);
    }

    [Fact]
    public void A_start_lost_in_flight_is_Uncertain_and_retried_with_backoff()
    {
        var after = Checked(Decide(Server(), Observed(PowerState.Stopped)).After(new ProviderOutcome(OutcomeKind.Unavailable, "timeout", null, MayHaveReachedProvider: true)));
        Assert.Equal(ActionResult.Uncertain, after.Status.LastAction?.Result);
        Assert.Equal(("False", Reasons.ProviderError), ReadyOf(after.Status));
        Assert.True(after.Failed);
    }

    [Fact]
    public void A_forbidden_stop_at_deletion_is_Ready_False_with_the_providers_words_and_the_way_out()
    {
        var after = Checked(Decide(Deleting(Server()), Observed(PowerState.Running)).After(new ProviderOutcome(OutcomeKind.Forbidden, "no access to this server")));
        Assert.Equal(("False", Reasons.ProviderError), ReadyOf(after.Status));
        Assert.Contains("no access to this server", Ready(after.Status).Message, StringComparison.Ordinal);
        Assert.Contains("deletionPolicy: Orphan", Ready(after.Status).Message, StringComparison.Ordinal);
        Assert.False(after.ReleaseFinalizer);
    }

    [Fact]
    public void An_action_rate_limited_with_Retry_After_is_retried_after_that_delay()
    {
        var after = Checked(Decide(Server(DesiredPowerState.Stopped), Observed(PowerState.Running)).After(new ProviderOutcome(OutcomeKind.RateLimited, "slow down", TimeSpan.FromSeconds(42))));
        Assert.False(after.Failed);
        Assert.Equal(TimeSpan.FromSeconds(42), after.RequeueAfter);
    }

    [Fact]
    public void Recording_an_answer_without_a_decided_action_cannot_be_written()
    {
        // Was a runtime error ("no action was decided"); an answer is now only recorded for a decision that sends.
        var decided = DecideWith(Server(), Observed(PowerState.Running));
        Assert.IsType<ServerPower.Operator.Decision.Decision.Wait>(decided.Decision);
        var answered = typeof(ServerPowerDecider).GetMethod(nameof(ServerPowerDecider.AfterAction))!.GetParameters()[1];
        Assert.Equal(typeof(ServerPower.Operator.Decision.Decision.Send), answered.ParameterType);
    }
}
