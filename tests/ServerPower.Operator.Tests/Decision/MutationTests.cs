using ServerPower.Api.Resources;
using ServerPower.Api.Vocabulary;
using ServerPower.Operator.Decision;
using ServerPower.Providers.Contract;
using static ServerPower.Operator.Tests.Decision.Cases;
using DecisionResult = ServerPower.Operator.Decision.Decision;

namespace ServerPower.Operator.Tests.Decision;

/// <summary>
/// Rows added where mutation testing (dotnet-stryker) found behaviour no other test pinned down: each asserts what a
/// user or the reconciler sees (conditions, events, one-shot records, the action, requeue and finalizer release).
/// Every decision here is also checked for readable output: no condition, event or record without a message.
/// </summary>
public sealed class MutationTests
{
    private static readonly ProviderCapabilities NoStop = new(true, true, new HashSet<ActionType> { ActionType.Start, ActionType.Restart });
    private static readonly ProviderCapabilities NoRebuild = new(true, true, new HashSet<ActionType> { ActionType.Start, ActionType.Stop, ActionType.Restart });
    private static readonly ProviderCapabilities BlindStartOnly = new(false, false, new HashSet<ActionType> { ActionType.Start });

    // ---- suspend, invalid annotations, unresolved provider ----

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Suspended_is_Ready_False_and_a_deletion_is_let_go_with_a_normal_event(bool deleting)
    {
        var server = Server(spec: s => s with { Suspend = true });
        var r = Checked(Decide(deleting ? Deleting(server) : server, Observed(PowerState.Stopped)));
        Assert.Equal(("False", Reasons.Suspended), ReadyOf(r.Status));
        Assert.Equal(deleting, r.Decision.ReleaseFinalizer);
        List<(bool, string)> events = deleting ? [(false, "FinalizerReleased")] : [];
        Assert.Equal(events, EventsOf(r.Decision));
    }

    [Fact]
    public void Two_invalid_annotations_keep_Synced_False_whatever_else_succeeds()
    {
        var annotations = new Dictionary<string, string> { [Annotations.Restart] = "not valid!", [Annotations.Rebuild] = "nor this!" };
        var r = Checked(Decide(Server(annotations: annotations), Observed(PowerState.Running)));
        Assert.Equal(("False", Reasons.InvalidSpec), SyncedOf(r.Status));
        Assert.Equal([(true, Reasons.InvalidSpec), (true, Reasons.InvalidSpec)], EventsOf(r.Decision));
    }

    [Fact]
    public void An_unresolved_provider_is_Synced_and_Ready_False_with_a_warning_and_no_deletion_hint()
    {
        var r = Checked(Decide(Server(), new ProviderView.Unresolved(Reasons.CredentialsMissing, "key \"token\" of Secret \"t\" not found")));
        Assert.Equal(("False", Reasons.CredentialsMissing), SyncedOf(r.Status));
        Assert.Equal(("False", Reasons.ProviderError), ReadyOf(r.Status));
        Assert.Contains("Secret \"t\"", Ready(r.Status).Message, StringComparison.Ordinal);
        Assert.DoesNotContain("deletionPolicy", Ready(r.Status).Message, StringComparison.Ordinal);
        Assert.Equal([(true, Reasons.CredentialsMissing)], EventsOf(r.Decision));
        Assert.Equal(Settings.MaxPoll, r.Decision.RequeueAfter);
    }

    [Fact]
    public void A_missing_provider_at_deletion_lets_go_without_a_deletion_hint()
    {
        var r = Checked(Decide(Deleting(Server()), new ProviderView.Unresolved(Reasons.ProviderNotFound, "PowerProvider \"p\" not found")));
        Assert.True(r.Decision.ReleaseFinalizer);
        Assert.DoesNotContain("deletionPolicy", Ready(r.Status).Message, StringComparison.Ordinal);
    }

    // ---- reading state ----

    [Theory]
    [InlineData(OutcomeKind.Busy, PowerState.Busy, Reasons.ActionPending)]
    [InlineData(OutcomeKind.Suspended, PowerState.Suspended, Reasons.ServerSuspended)]
    public void A_read_answered_busy_or_suspended_is_a_state_not_a_failure(OutcomeKind answer, PowerState power, string reason)
    {
        var r = Checked(Decide(Server(), ReadFails(answer)));
        Assert.Null(r.Action);
        Assert.False(r.Decision.Failed);
        Assert.Equal(power, r.Status.PowerState);
        Assert.Equal(("True", Reasons.ReconcileSucceeded), SyncedOf(r.Status));
        Assert.Equal(("False", reason), ReadyOf(r.Status));
    }

    [Fact]
    public void A_readable_provider_whose_state_was_not_read_is_not_taken_for_a_state()
    {
        var r = Checked(Decide(Server(), new ProviderView.Resolved(ProviderType.Wenium, Wenium, null, null)));
        Assert.Null(r.Action);
        Assert.Equal(("False", Reasons.ProviderUnavailable), SyncedOf(r.Status));
        Assert.Contains("not read", Synced(r.Status)!.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false, OutcomeKind.Unavailable)]
    [InlineData(false, OutcomeKind.NotFound)]
    [InlineData(true, OutcomeKind.Unavailable)]
    [InlineData(true, OutcomeKind.NotFound)]
    public void A_failed_read_is_reported_and_only_a_server_unknown_to_the_provider_lets_a_deletion_go(bool deleting, OutcomeKind kind)
    {
        var r = Checked(Decide(deleting ? Deleting(Server()) : Server(), ReadFails(kind)));
        var release = deleting && kind == OutcomeKind.NotFound;
        var reason = OutcomeReasons.SyncedReason(kind);
        Assert.Null(r.Action);
        Assert.Equal(("False", reason), SyncedOf(r.Status));
        Assert.Equal(("False", Reasons.ProviderError), ReadyOf(r.Status));
        Assert.Equal([(true, reason)], EventsOf(r.Decision));
        Assert.Equal(release, r.Decision.ReleaseFinalizer);
        Assert.Equal(kind == OutcomeKind.Unavailable, r.Decision.Failed);
        TimeSpan? requeue = release || kind == OutcomeKind.Unavailable ? null : Settings.MaxPoll;
        Assert.Equal(requeue, r.Decision.RequeueAfter);
        // Only a deletion that stays blocked says how to let the object go.
        Assert.Equal(deleting && !release, Ready(r.Status).Message.Contains("deletionPolicy: Orphan", StringComparison.Ordinal));
    }

    // ---- one-shots ----

    [Fact]
    public void A_one_shot_being_sent_is_Ready_False_naming_its_token()
    {
        var r = Checked(Decide(Server(status: new ServerPowerStatus { ObservedGeneration = 1, Conditions = ReadyTrue() }, annotations: Restart("r1")), Observed(PowerState.Running)));
        Assert.Equal(ActionType.Restart, r.Action);
        Assert.False(r.Decision.Failed);
        Assert.Equal(("False", Reasons.ActionPending), ReadyOf(r.Status));
        Assert.Contains("r1", Ready(r.Status).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_one_shot_found_in_Sending_warns_in_an_event()
    {
        var status = new ServerPowerStatus { ObservedGeneration = 1, Restart = new OneShotStatus { Token = "r1", Phase = OneShotPhase.Sending } };
        var r = Checked(Decide(Server(status: status, annotations: Restart("r1")), Observed(PowerState.Running)));
        Assert.Equal([(true, Reasons.OneShotUncertain)], EventsOf(r.Decision));
        Assert.Contains("r1", r.Decision.Events[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Under_Observe_a_new_token_is_Skipped_with_a_normal_event()
    {
        var r = Checked(Decide(Server(spec: s => s with { ManagementPolicy = ManagementPolicy.Observe }, annotations: Restart("r1")), Observed(PowerState.Running)));
        Assert.Equal(OneShotPhase.Skipped, r.Status.Restart?.Phase);
        Assert.Equal([(false, "RestartSkipped")], EventsOf(r.Decision));
    }

    [Fact]
    public void A_rebuild_token_set_while_the_object_is_being_deleted_is_Skipped_and_the_server_stopped()
    {
        var server = Deleting(Server(spec: s => s with { Rebuild = new RebuildSpec { OsId = "debian-12" } }, annotations: Rebuild("b1")));
        var r = Checked(Decide(server, Observed(PowerState.Running)));
        Assert.Equal(ActionType.Stop, r.Action);
        Assert.Equal(OneShotPhase.Skipped, r.Status.Rebuild?.Phase);
        Assert.Contains("deleted", r.Status.Rebuild?.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_restart_of_a_stopped_server_is_Skipped_and_the_server_started()
    {
        var r = Checked(Decide(Server(annotations: Restart("r1")), Observed(PowerState.Stopped)));
        Assert.Equal(ActionType.Start, r.Action);
        Assert.Equal(OneShotPhase.Skipped, r.Status.Restart?.Phase);
        Assert.Contains((false, "RestartSkipped"), EventsOf(r.Decision));
    }

    [Fact]
    public void A_rebuild_of_a_stopped_server_is_sent()
    {
        var r = Checked(Decide(Server(spec: s => s with { Rebuild = new RebuildSpec { OsId = "debian-12" } }, annotations: Rebuild("b1")), Observed(PowerState.Stopped)));
        Assert.Equal(new PlannedAction(ActionType.Rebuild, "b1"), r.Decision.Action);
    }

    [Fact]
    public void A_one_shot_for_a_server_suspended_at_the_provider_fails_and_sends_nothing()
    {
        var r = Checked(Decide(Server(annotations: Restart("r1")), Observed(PowerState.Suspended)));
        Assert.Null(r.Action);
        Assert.Equal(OneShotPhase.Failed, r.Status.Restart?.Phase);
        Assert.Contains("suspended", r.Status.Restart?.Message, StringComparison.Ordinal);
        Assert.Equal([(true, "RestartFailed")], EventsOf(r.Decision));
    }

    [Fact]
    public void A_one_shot_the_provider_does_not_support_fails_without_calling_the_spec_invalid()
    {
        var r = Checked(Decide(Server(annotations: Rebuild("b1")), Observed(PowerState.Running, NoRebuild)));
        Assert.Null(r.Action);
        Assert.Equal(OneShotPhase.Failed, r.Status.Rebuild?.Phase);
        Assert.Equal(("True", Reasons.ReconcileSucceeded), SyncedOf(r.Status));
        Assert.Equal([(true, "RebuildFailed")], EventsOf(r.Decision));
    }

    [Theory]
    [InlineData(PowerState.Starting)]
    [InlineData(PowerState.Stopping)]
    [InlineData(PowerState.Busy)]
    public void A_new_one_shot_waits_while_the_server_is_in_transition(PowerState power)
    {
        var r = Checked(Decide(Server(annotations: Restart("r1")), Observed(power)));
        Assert.Null(r.Action);
        Assert.Null(r.Status.Restart);
    }

    [Theory]
    [InlineData(ActionType.Rebuild, false, true, true)]
    [InlineData(ActionType.Rebuild, false, false, false)]
    [InlineData(ActionType.Rebuild, true, true, false)]
    [InlineData(ActionType.Restart, false, true, false)]
    public void A_provider_that_rebuilds_as_configured_there_says_spec_rebuild_is_ignored(ActionType type, bool usesSpec, bool hasSpec, bool ignored)
    {
        var server = Server(spec: s => hasSpec ? s with { Rebuild = new RebuildSpec { OsId = "debian-12" } } : s,
            annotations: type == ActionType.Rebuild ? Rebuild("t1") : Restart("t1"));
        var r = Checked(Decide(server, Observed(PowerState.Running, usesSpec ? Wenium : Wings)));
        Assert.Equal(type, r.Action);
        List<(bool, string)> events = ignored ? [(false, "RebuildSpecIgnored")] : [];
        Assert.Equal(events, EventsOf(r.Decision));
    }

    // ---- converging a readable provider ----

    [Fact]
    public void A_successful_read_clears_an_earlier_Synced_failure()
    {
        var earlier = new ServerPowerStatus
        {
            ObservedGeneration = 1,
            Conditions = [new Api.Resources.Condition { Type = ConditionTypes.Synced, Status = ConditionStatus.False, Reason = Reasons.ProviderUnavailable, Message = "503", LastTransitionTime = T0.AddMinutes(-1) }],
        };
        var r = Checked(Decide(Server(status: earlier), Observed(PowerState.Running)));
        Assert.Equal(("True", Reasons.ReconcileSucceeded), SyncedOf(r.Status));
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
    public void At_the_end_of_the_start_window_a_start_is_sent_again_with_a_warning()
    {
        var status = new ServerPowerStatus { ObservedGeneration = 1, LastAction = Accepted(ActionType.Start, T0 - Settings.StartEffectTimeout) };
        var r = Checked(Decide(Server(status: status), Observed(PowerState.Stopped)));
        Assert.Equal(ActionType.Start, r.Action);
        Assert.Equal([(true, "StartTimedOut")], EventsOf(r.Decision));
        Assert.Contains("Stopped", Ready(r.Status).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void At_the_end_of_the_start_window_a_restart_seen_Running_all_along_is_settled()
    {
        var status = new ServerPowerStatus { ObservedGeneration = 1, PowerState = PowerState.Running, LastAction = Accepted(ActionType.Restart, T0 - Settings.StartEffectTimeout, "t1") };
        var r = Checked(Decide(Server(status: status), Observed(PowerState.Running)));
        Assert.Equal(T0, r.Status.LastAction?.SettledTime);
    }

    [Fact]
    public void At_the_end_of_the_stop_grace_period_the_kill_is_sent()
    {
        var status = new ServerPowerStatus { ObservedGeneration = 1, LastAction = Accepted(ActionType.Stop, T0.AddMinutes(-10)) };
        var server = Server(DesiredPowerState.Stopped, status, s => s with { Stop = new StopSpec { GracePeriod = "10m", OnTimeout = StopTimeoutAction.Kill } });
        var r = Checked(Decide(server, Observed(PowerState.Stopping, Wings)));
        Assert.Equal(ActionType.Kill, r.Action);
        Assert.Equal([(true, "StopTimedOut")], EventsOf(r.Decision));
        Assert.Contains("10m", Ready(r.Status).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(PowerState.Stopping, Reasons.Stopping)]
    [InlineData(PowerState.Running, Reasons.ActionPending)]
    public void Within_the_grace_period_a_stop_is_awaited(PowerState power, string reason)
    {
        var status = new ServerPowerStatus { ObservedGeneration = 1, Conditions = ReadyTrue(), LastAction = Accepted(ActionType.Stop, T0.AddMinutes(-1)) };
        var r = Checked(Decide(Server(DesiredPowerState.Stopped, status), Observed(power)));
        Assert.Null(r.Action);
        Assert.Equal(("False", reason), ReadyOf(r.Status));
    }

    [Theory]
    [InlineData(ActionType.Kill, StopTimeoutAction.Kill, true, "kill did not stop it")]
    [InlineData(ActionType.Stop, StopTimeoutAction.Kill, false, "has no kill")]
    [InlineData(ActionType.Stop, StopTimeoutAction.Wait, true, null)]
    public void A_stop_sent_again_after_the_grace_period_says_why_there_is_no_kill(ActionType last, StopTimeoutAction onTimeout, bool hasKill, string? why)
    {
        var status = new ServerPowerStatus { ObservedGeneration = 1, LastAction = Accepted(last, T0.AddMinutes(-11)) };
        var server = Server(DesiredPowerState.Stopped, status, s => s with { Stop = new StopSpec { GracePeriod = "10m", OnTimeout = onTimeout } });
        var r = Checked(Decide(server, Observed(PowerState.Stopping, hasKill ? Wings : Wenium)));
        Assert.Equal(ActionType.Stop, r.Action);
        Assert.Contains("still Stopping", Ready(r.Status).Message, StringComparison.Ordinal);
        var timedOut = Assert.Single(r.Decision.Events);
        Assert.Equal((true, "StopTimedOut"), (timedOut.Warning, timedOut.Reason));
        if (why is null) Assert.Matches("within [^;]+; sending stop again$", timedOut.Message);
        else Assert.Contains(why, timedOut.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_stop_the_provider_cannot_send_is_Unsupported_until_the_resync()
    {
        var r = Checked(Decide(Server(DesiredPowerState.Stopped), Observed(PowerState.Running, NoStop)));
        Assert.Null(r.Action);
        Assert.Equal(("False", Reasons.Unsupported), ReadyOf(r.Status));
        Assert.Equal(Settings.ResyncPeriod, r.Decision.RequeueAfter);
    }

    [Theory]
    [InlineData(3, 2)]
    [InlineData(60, 20)]
    [InlineData(240, 30)]
    public void While_a_start_is_awaited_polls_back_off_with_its_age_within_the_bounds(int secondsAgo, int pollSeconds)
    {
        var status = new ServerPowerStatus { ObservedGeneration = 1, LastAction = Accepted(ActionType.Start, T0.AddSeconds(-secondsAgo)) };
        var r = Checked(Decide(Server(status: status), Observed(PowerState.Starting)));
        Assert.Null(r.Action);
        Assert.Equal(TimeSpan.FromSeconds(pollSeconds), r.Decision.RequeueAfter);
    }

    [Fact]
    public void An_unknown_state_is_reported_in_the_providers_words()
    {
        var view = new ProviderView.Resolved(ProviderType.Wenium, Wenium, ReadResult.Of(new ObservedServer(PowerState.Unknown, "migrating-7")), null);
        var r = Checked(Decide(Server(), view));
        Assert.Null(r.Action);
        Assert.Equal(("False", Reasons.ProviderError), ReadyOf(r.Status));
        Assert.Contains("migrating-7", Ready(r.Status).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_start_awaited_while_the_server_is_still_Stopped_says_what_it_waits_for()
    {
        var status = new ServerPowerStatus { ObservedGeneration = 1, LastAction = Accepted(ActionType.Start, T0.AddMinutes(-1)) };
        var r = Checked(Decide(Server(status: status), Observed(PowerState.Stopped)));
        Assert.Null(r.Action);
        Assert.Equal(("False", Reasons.ActionPending), ReadyOf(r.Status));
        Assert.Contains("Start accepted", Ready(r.Status).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(PowerState.Starting, Reasons.Starting, null)]
    [InlineData(PowerState.Busy, Reasons.ActionPending, null)]
    [InlineData(PowerState.Running, Reasons.ActionPending, ActionType.Stop)]
    public void Declared_Stopped_a_server_in_transition_is_stopped_once_that_ends(PowerState power, string reason, ActionType? action)
    {
        var r = Checked(Decide(Server(DesiredPowerState.Stopped), Observed(power)));
        Assert.Equal(action, r.Action);
        Assert.Equal(("False", reason), ReadyOf(r.Status));
        // The user reads what the provider reported.
        Assert.Contains(power.ToString().ToLowerInvariant(), Ready(r.Status).Message, StringComparison.OrdinalIgnoreCase);
    }

    // ---- state-blind providers ----

    [Fact]
    public void A_state_blind_first_action_is_Ready_False_while_it_is_sent()
    {
        var r = Checked(Decide(Server(status: new ServerPowerStatus { ObservedGeneration = 1, Conditions = ReadyTrue() }), Blind()));
        Assert.Equal(ActionType.Start, r.Action);
        Assert.Equal(("False", Reasons.ActionPending), ReadyOf(r.Status));
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

    // ---- recording the provider's answer ----

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
    public void A_refused_one_shot_is_Failed_not_Uncertain()
    {
        var after = Checked(Decide(Server(annotations: Restart("r1")), Observed(PowerState.Running)).After(new ProviderOutcome(OutcomeKind.Unavailable, "502")));
        Assert.Equal(OneShotPhase.Failed, after.Status.Restart?.Phase);
        Assert.Equal(("False", Reasons.ProviderError), ReadyOf(after.Status));
        Assert.False(after.Failed);
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

    // ---- text bounds and condition order ----

    [Fact]
    public void Text_is_bounded_to_exactly_its_maximum_with_an_ellipsis()
    {
        var exact = new string('x', Text.MaxMessageLength);
        Assert.Equal(exact, Text.Bound(exact));
        var bounded = Text.Bound(exact + "y");
        Assert.Equal(Text.MaxMessageLength, bounded.Length);
        Assert.EndsWith("…", bounded, StringComparison.Ordinal);
    }

    [Fact]
    public void Conditions_are_kept_in_a_stable_order_Ready_Synced_then_by_type()
    {
        IReadOnlyList<Api.Resources.Condition>? list = null;
        foreach (var type in new[] { "Zeta", ConditionTypes.Synced, "Alpha", ConditionTypes.Ready })
            list = Conditions.Set(list, new Api.Resources.Condition { Type = type, Status = ConditionStatus.True, Reason = "R", Message = "m" }, T0);
        Assert.Equal([ConditionTypes.Ready, ConditionTypes.Synced, "Alpha", "Zeta"], list!.Select(c => c.Type));
        Assert.Null(Conditions.Find(list, "Missing"));
    }

    // ---- helpers ----

    private static ServerPowerDecisionResult Checked(ServerPowerDecisionResult r)
    {
        Readable(r.Decision);
        return r;
    }

    private static DecisionResult Checked(DecisionResult d)
    {
        Readable(d);
        return d;
    }

    /// <summary>What kubectl shows must say something: every condition, event, record and lastAction has its words.</summary>
    private static void Readable(DecisionResult d)
    {
        foreach (var c in d.Status.Conditions ?? [])
        {
            Assert.False(string.IsNullOrWhiteSpace(c.Reason), $"condition {c.Type} has no reason");
            Assert.False(string.IsNullOrWhiteSpace(c.Message), $"condition {c.Type} has no message");
        }
        foreach (var e in d.Events)
        {
            Assert.False(string.IsNullOrWhiteSpace(e.Reason), "an event has no reason");
            Assert.False(string.IsNullOrWhiteSpace(e.Message), $"event {e.Reason} has no message");
        }
        foreach (var oneShot in new[] { d.Status.Restart, d.Status.Rebuild })
        {
            if (oneShot is { Phase: not OneShotPhase.Sending })
                Assert.False(string.IsNullOrWhiteSpace(oneShot.Message), $"one-shot {oneShot.Token} ({oneShot.Phase}) has no message");
        }
        if (d.Status.LastAction is { } last)
            Assert.False(string.IsNullOrWhiteSpace(last.Message), $"lastAction {last.Type} has no message");
    }

    private static (string Status, string Reason) ReadyOf(ServerPowerStatus status) => (Ready(status).Status, Ready(status).Reason);

    private static (string? Status, string? Reason) SyncedOf(ServerPowerStatus status) => (Synced(status)?.Status, Synced(status)?.Reason);

    private static List<(bool Warning, string Reason)> EventsOf(DecisionResult d) => d.Events.Select(e => (e.Warning, e.Reason)).ToList();

    private static List<Api.Resources.Condition> ReadyTrue() =>
        [new Api.Resources.Condition { Type = ConditionTypes.Ready, Status = ConditionStatus.True, Reason = Reasons.InDesiredState, Message = "the server is Running", LastTransitionTime = T0.AddHours(-1) }];

    private static ServerPowerResource Deleting(ServerPowerResource server)
    {
        server.Metadata.DeletionTimestamp = T0.UtcDateTime.AddMinutes(-1);
        server.Metadata.Finalizers = [Annotations.StopFinalizer];
        server.Spec = server.Spec with { DeletionPolicy = DeletionPolicy.Stop };
        return server;
    }
}
