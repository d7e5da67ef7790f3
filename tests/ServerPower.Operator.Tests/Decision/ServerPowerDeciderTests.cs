using ServerPower.Api.Resources;
using ServerPower.Api.Serialization;
using ServerPower.Api.Vocabulary;
using ServerPower.Operator.Decision;
using ServerPower.Providers.Contract;
using static ServerPower.Operator.Tests.Decision.Cases;

namespace ServerPower.Operator.Tests.Decision;

public sealed class ServerPowerDeciderTests
{
    public static TheoryData<DesiredPowerState, PowerState, ActionType?, string, string> DesiredByObserved => new()
    {
        { DesiredPowerState.Running, PowerState.Running, null, "True", Reasons.InDesiredState },
        { DesiredPowerState.Running, PowerState.Stopped, ActionType.Start, "False", Reasons.ActionPending },
        { DesiredPowerState.Running, PowerState.Starting, null, "False", Reasons.Starting },
        { DesiredPowerState.Running, PowerState.Stopping, null, "False", Reasons.Stopping },
        { DesiredPowerState.Running, PowerState.Busy, null, "False", Reasons.ActionPending },
        { DesiredPowerState.Running, PowerState.Suspended, null, "False", Reasons.ServerSuspended },
        { DesiredPowerState.Running, PowerState.Unknown, null, "False", Reasons.ProviderError },
        { DesiredPowerState.Stopped, PowerState.Stopped, null, "True", Reasons.InDesiredState },
        { DesiredPowerState.Stopped, PowerState.Running, ActionType.Stop, "False", Reasons.ActionPending },
        { DesiredPowerState.Stopped, PowerState.Starting, null, "False", Reasons.Starting },
        // Stopping without a stop of ours: a stop is sent so that stop.gracePeriod (and a kill after it) applies.
        { DesiredPowerState.Stopped, PowerState.Stopping, ActionType.Stop, "False", Reasons.ActionPending },
        { DesiredPowerState.Stopped, PowerState.Busy, null, "False", Reasons.ActionPending },
        { DesiredPowerState.Stopped, PowerState.Suspended, null, "False", Reasons.ServerSuspended },
        { DesiredPowerState.Stopped, PowerState.Unknown, null, "False", Reasons.ProviderError },
    };

    [Theory, MemberData(nameof(DesiredByObserved))]
    public void Every_desired_by_observed_state(DesiredPowerState desired, PowerState observed, ActionType? action, string ready, string reason)
    {
        var r = Decide(Server(desired), Observed(observed));
        Assert.Equal(action, r.Action);
        Assert.Equal(ready, Ready(r.Status).Status);
        Assert.Equal(reason, Ready(r.Status).Reason);
        Assert.Equal(observed, r.Status.PowerState);
        Assert.Equal(desired.ToString(), r.Status.DesiredState.ToString());
        Assert.Equal(1, r.Status.ObservedGeneration);
    }

    [Theory, MemberData(nameof(DesiredByObserved))]
    public void Deciding_on_its_own_output_changes_nothing(DesiredPowerState desired, PowerState observed, ActionType? action, string ready, string reason)
    {
        _ = (action, ready, reason);
        var first = Decide(Server(desired), Observed(observed));
        var status = first.Decision.Action is null ? first.Status : first.After(ProviderOutcome.Accepted()).Status;
        var again = Decide(Server(desired, status), Observed(observed), T0.AddSeconds(1));
        var third = Decide(Server(desired, again.Status), Observed(observed), T0.AddSeconds(2));
        Assert.Equal(ApiJson.Serialize(again.Status), ApiJson.Serialize(third.Status));
        Assert.Null(third.Action);
    }

    [Theory]
    [InlineData(ActionType.Start, DesiredPowerState.Running, PowerState.Stopped, 60, null)]
    [InlineData(ActionType.Start, DesiredPowerState.Running, PowerState.Stopped, 301, ActionType.Start)]
    [InlineData(ActionType.Stop, DesiredPowerState.Stopped, PowerState.Running, 599, null)]
    [InlineData(ActionType.Restart, DesiredPowerState.Running, PowerState.Stopped, 30, null)]
    public void An_accepted_action_is_not_resent_while_its_effect_is_expected(ActionType last, DesiredPowerState desired, PowerState observed, int secondsAgo, ActionType? expected)
    {
        var status = new ServerPowerStatus { ObservedGeneration = 1, LastAction = Accepted(last, T0.AddSeconds(-secondsAgo)) };
        Assert.Equal(expected, Decide(Server(desired, status), Observed(observed)).Action);
    }

    [Theory]
    [InlineData(StopTimeoutAction.Kill, true, ActionType.Kill)]
    [InlineData(StopTimeoutAction.Kill, false, ActionType.Stop)]
    [InlineData(StopTimeoutAction.Wait, true, ActionType.Stop)]
    public void Past_the_stop_grace_period_kill_where_configured_and_supported(StopTimeoutAction onTimeout, bool hasKill, ActionType expected)
    {
        var status = new ServerPowerStatus { ObservedGeneration = 1, LastAction = Accepted(ActionType.Stop, T0.AddMinutes(-11)) };
        var server = Server(DesiredPowerState.Stopped, status, s => s with { Stop = new StopSpec { GracePeriod = "10m", OnTimeout = onTimeout } });
        var r = Decide(server, Observed(PowerState.Stopping, hasKill ? Wings : Wenium));
        Assert.Equal(expected, r.Action);
        Assert.Contains(r.Decision.Events, e => e.Warning && e.Reason == "StopTimedOut");
    }

    [Fact]
    public void Suspend_observes_and_changes_nothing()
    {
        var r = Decide(Server(spec: s => s with { Suspend = true }), Observed(PowerState.Stopped));
        Assert.Null(r.Action);
        Assert.Equal(Reasons.Suspended, Ready(r.Status).Reason);
        Assert.False(ServerPowerDecider.ShouldReadState(Server(spec: s => s with { Suspend = true }), Wenium));
    }

    [Theory]
    [InlineData(PowerState.Stopped, "False", Reasons.NotInDesiredState)]
    [InlineData(PowerState.Running, "True", Reasons.InDesiredState)]
    public void Observe_policy_reports_but_never_acts(PowerState observed, string ready, string reason)
    {
        var r = Decide(Server(spec: s => s with { ManagementPolicy = ManagementPolicy.Observe }, annotations: Restart("r1")), Observed(observed));
        Assert.Null(r.Action);
        Assert.Equal((ready, reason), (Ready(r.Status).Status, Ready(r.Status).Reason));
        Assert.Equal(OneShotPhase.Skipped, r.Status.Restart?.Phase);
    }

    [Fact]
    public void A_token_present_at_first_sight_is_adopted_not_executed()
    {
        var r = Decide(Server(status: new ServerPowerStatus(), annotations: Restart("old")), Observed(PowerState.Running));
        Assert.Null(r.Action);
        Assert.Equal(new OneShotStatus
        {
            Token = "old", Phase = OneShotPhase.Skipped, Message = "adopted at first sight; not executed",
            Handled = [new HandledToken { Token = "old", Time = T0 }],
        }, r.Status.Restart);
    }

    [Fact]
    public void A_new_token_is_executed_exactly_once()
    {
        var r = Decide(Server(annotations: Restart("r1")), Observed(PowerState.Running));
        Assert.Equal(new PlannedAction(ActionType.Restart, "r1"), r.Decision.Action);
        Assert.Equal(OneShotPhase.Sending, r.Status.Restart?.Phase);

        var after = r.After(ProviderOutcome.Accepted("restarting"));
        Assert.Equal(OneShotPhase.Done, after.Status.Restart?.Phase);
        Assert.Equal(ActionType.Restart, after.Status.LastAction?.Type);

        var again = Decide(Server(status: after.Status, annotations: Restart("r1")), Observed(PowerState.Running), T0.AddMinutes(1));
        Assert.Null(again.Action);
        Assert.Equal("True", Ready(again.Status).Status);
    }

    [Fact]
    public void A_restart_while_declared_Stopped_is_Skipped()
    {
        var r = Decide(Server(DesiredPowerState.Stopped, annotations: Restart("r1")), Observed(PowerState.Stopped));
        Assert.Null(r.Action);
        Assert.Equal(OneShotPhase.Skipped, r.Status.Restart?.Phase);
        Assert.Contains("Stopped", r.Status.Restart?.Message);
    }

    [Fact]
    public void A_token_found_in_Sending_is_Uncertain_and_never_resent()
    {
        var status = new ServerPowerStatus { ObservedGeneration = 1, Rebuild = new OneShotStatus { Token = "b1", Phase = OneShotPhase.Sending } };
        var r = Decide(Server(status: status, annotations: Rebuild("b1")), Observed(PowerState.Running));
        Assert.Null(r.Action);
        Assert.Equal(OneShotPhase.Uncertain, r.Status.Rebuild?.Phase);
        Assert.Equal(Reasons.OneShotUncertain, Ready(r.Status).Reason);
        Assert.Contains("new token", Ready(r.Status).Message);
        Assert.Contains(r.Decision.Events, e => e.Warning);

        var later = Decide(Server(status: r.Status, annotations: Rebuild("b1")), Observed(PowerState.Running), T0.AddHours(1));
        Assert.Null(later.Action);
        Assert.Equal(Reasons.OneShotUncertain, Ready(later.Status).Reason);

        var withOs = Server(status: r.Status, annotations: Rebuild("b2"), spec: s => s with { Rebuild = new RebuildSpec { OsId = "ubuntu-22.04" } });
        var cleared = Decide(withOs, Observed(PowerState.Running), T0.AddHours(1));
        Assert.Equal(new PlannedAction(ActionType.Rebuild, "b2"), cleared.Decision.Action);
    }

    [Theory]
    [InlineData("has space")]
    [InlineData("-leading")]
    [InlineData("")]
    [InlineData("0123456789012345678901234567890123456789012345678901234567890123")]
    public void A_wrong_or_oversized_annotation_is_InvalidSpec_and_nothing_is_sent(string token)
    {
        var r = Decide(Server(annotations: Restart(token)), Observed(PowerState.Running));
        Assert.Null(r.Action);
        Assert.Equal(Reasons.InvalidSpec, Synced(r.Status)?.Reason);
        Assert.Contains(Annotations.Restart, Synced(r.Status)?.Message);
        Assert.Null(r.Status.Restart);
    }

    [Fact]
    public void An_unsupported_one_shot_fails_with_a_message_and_sends_nothing()
    {
        var r = Decide(Server(annotations: Rebuild("b1")), Blind());
        Assert.NotEqual(ActionType.Rebuild, r.Action);
        Assert.Equal(OneShotPhase.Failed, r.Status.Rebuild?.Phase);
        Assert.Contains("not supported", r.Status.Rebuild?.Message);
    }

    [Fact]
    public void A_Wenium_rebuild_without_osId_is_InvalidSpec()
    {
        var r = Decide(Server(annotations: Rebuild("b1")), Observed(PowerState.Running));
        Assert.Null(r.Action);
        Assert.Equal(Reasons.InvalidSpec, Synced(r.Status)?.Reason);
        Assert.Equal(OneShotPhase.Failed, r.Status.Rebuild?.Phase);
    }

    [Theory]
    [InlineData(OutcomeKind.Unauthorized, Reasons.Unauthorized, true)]
    [InlineData(OutcomeKind.Forbidden, Reasons.Unauthorized, false)]
    [InlineData(OutcomeKind.NotFound, Reasons.ServerNotFound, false)]
    [InlineData(OutcomeKind.RateLimited, Reasons.RateLimited, true)]
    [InlineData(OutcomeKind.Unavailable, Reasons.ProviderUnavailable, true)]
    [InlineData(OutcomeKind.Invalid, Reasons.InvalidSpec, false)]
    public void Each_failed_read_gives_its_Synced_reason(OutcomeKind kind, string reason, bool _)
    {
        var r = Decide(Server(), ReadFails(kind));
        Assert.Null(r.Action);
        Assert.Equal(reason, Synced(r.Status)?.Reason);
        Assert.Equal(Reasons.ProviderError, Ready(r.Status).Reason);
        Assert.Equal(kind is OutcomeKind.Unavailable or OutcomeKind.RateLimited, r.Decision.Failed);
    }

    [Fact]
    public void Rate_limited_with_Retry_After_requeues_after_that_delay()
    {
        var r = Decide(Server(), ReadFails(OutcomeKind.RateLimited, TimeSpan.FromSeconds(42)));
        Assert.False(r.Decision.Failed);
        Assert.Equal(TimeSpan.FromSeconds(42), r.Decision.RequeueAfter);
    }

    [Theory]
    [InlineData(OutcomeKind.Accepted, false, ActionResult.Accepted, "True", Reasons.ReconcileSucceeded)]
    [InlineData(OutcomeKind.Unavailable, false, ActionResult.Failed, "False", Reasons.ProviderUnavailable)]
    [InlineData(OutcomeKind.Unavailable, true, ActionResult.Uncertain, "False", Reasons.ProviderUnavailable)]
    [InlineData(OutcomeKind.Unauthorized, false, ActionResult.Failed, "False", Reasons.Unauthorized)]
    [InlineData(OutcomeKind.NotFound, false, ActionResult.Failed, "False", Reasons.ServerNotFound)]
    [InlineData(OutcomeKind.Busy, false, ActionResult.Failed, "True", Reasons.ReconcileSucceeded)]
    public void Each_action_outcome_gives_its_result_and_condition(OutcomeKind kind, bool reached, ActionResult result, string synced, string reason)
    {
        var r = Decide(Server(), Observed(PowerState.Stopped));
        var after = r.After(new ProviderOutcome(kind, "answer", null, reached));
        Assert.Equal(result, after.Status.LastAction?.Result);
        Assert.Equal((synced, reason), (Synced(after.Status)!.Status, Synced(after.Status)!.Reason));
        Assert.Equal(kind == OutcomeKind.Accepted ? 1 : 1, after.Events.Count);
    }

    [Fact]
    public void A_suspended_answer_to_an_action_is_ServerSuspended()
    {
        var after = Decide(Server(), Observed(PowerState.Stopped)).After(new ProviderOutcome(OutcomeKind.Suspended, "suspended"));
        Assert.Equal(Reasons.ServerSuspended, Ready(after.Status).Reason);
    }

    [Fact]
    public void An_uncertain_one_shot_answer_is_recorded_Uncertain()
    {
        var after = Decide(Server(annotations: Restart("r1")), Observed(PowerState.Running))
            .After(new ProviderOutcome(OutcomeKind.Unavailable, "timeout", null, true));
        Assert.Equal(OneShotPhase.Uncertain, after.Status.Restart?.Phase);
        Assert.Equal(Reasons.OneShotUncertain, Ready(after.Status).Reason);
        Assert.Equal("Restart token \"r1\": timeout; it is never resent: set a new token to try again", Ready(after.Status).Message);
        Assert.False(after.Failed);
    }

    [Fact]
    public void State_blind_provider_acts_on_first_sight_and_then_reports_ActionAccepted()
    {
        var first = Decide(Server(), Blind());
        Assert.Equal(ActionType.Start, first.Action);
        var after = first.After(ProviderOutcome.Accepted("Start action sent"));
        Assert.Equal(Reasons.ActionAccepted, Ready(after.Status).Reason);
        Assert.Equal("True", Ready(after.Status).Status);
        Assert.Equal(PowerState.Unknown, after.Status.PowerState);
        Assert.Equal("requested", after.Status.ProviderState);

        var steady = Decide(Server(status: after.Status), Blind(), T0.AddHours(1));
        Assert.Null(steady.Action);
        Assert.Equal(ApiJson.Serialize(after.Status), ApiJson.Serialize(steady.Status));
    }

    [Fact]
    public void State_blind_provider_acts_when_the_declared_state_changes()
    {
        var running = Decide(Server(), Blind()).After(ProviderOutcome.Accepted());
        Assert.Equal(ActionType.Stop, Decide(Server(DesiredPowerState.Stopped, running.Status), Blind(), T0.AddMinutes(1)).Action);
    }

    [Fact]
    public void State_blind_provider_reasserts_when_the_interval_elapsed()
    {
        var running = Decide(Server(), Blind(TimeSpan.FromMinutes(30))).After(ProviderOutcome.Accepted());
        Assert.Null(Decide(Server(status: running.Status), Blind(TimeSpan.FromMinutes(30)), T0.AddMinutes(29)).Action);
        Assert.Equal(ActionType.Start, Decide(Server(status: running.Status), Blind(TimeSpan.FromMinutes(30)), T0.AddMinutes(31)).Action);
    }

    [Fact]
    public void State_blind_provider_retries_a_failed_action_with_backoff()
    {
        var failed = Decide(Server(), Blind()).After(new ProviderOutcome(OutcomeKind.Unavailable, "502 provider_error"));
        Assert.True(failed.Failed);
        Assert.Equal(ActionType.Start, Decide(Server(status: failed.Status), Blind(), T0.AddSeconds(1)).Action);
    }

    [Fact]
    public void Unresolved_provider_gives_its_reason_and_no_action()
    {
        var r = Decide(Server(), new ProviderView.Unresolved(Reasons.CredentialsMissing, "key missing"));
        Assert.Null(r.Action);
        Assert.Equal(Reasons.CredentialsMissing, Synced(r.Status)?.Reason);
    }

    [Fact]
    public void Deleting_with_Stop_policy_stops_then_releases_the_finalizer()
    {
        ServerPowerResource Deleting(ServerPowerStatus? status = null)
        {
            var s = Server(DesiredPowerState.Running, status, spec => spec with { DeletionPolicy = DeletionPolicy.Stop });
            s.Metadata.DeletionTimestamp = T0.UtcDateTime;
            s.Metadata.Finalizers = [Annotations.StopFinalizer];
            return s;
        }
        var r = Decide(Deleting(), Observed(PowerState.Running));
        Assert.Equal(ActionType.Stop, r.Action);
        Assert.False(r.Decision.ReleaseFinalizer);
        var stopped = Decide(Deleting(r.After(ProviderOutcome.Accepted()).Status), Observed(PowerState.Stopped), T0.AddSeconds(10));
        Assert.True(stopped.Decision.ReleaseFinalizer);
    }

    [Fact]
    public void Condition_transition_time_changes_only_when_status_changes()
    {
        var first = Decide(Server(), Observed(PowerState.Running));
        var later = Decide(Server(status: first.Status), Observed(PowerState.Running), T0.AddHours(1));
        Assert.Equal(Ready(first.Status).LastTransitionTime, Ready(later.Status).LastTransitionTime);
        var flipped = Decide(Server(status: later.Status), Observed(PowerState.Stopped), T0.AddHours(2));
        Assert.Equal(T0.AddHours(2), Ready(flipped.Status).LastTransitionTime);
    }
}
