using ServerPower.Api.Resources;
using ServerPower.Api.Vocabulary;
using ServerPower.Operator.Decision;
using ServerPower.Operator.Scheduling;
using ServerPower.Providers.Contract;
using static ServerPower.Operator.Tests.Decision.Cases;

namespace ServerPower.Operator.Tests.Decision;

/// <summary>Defects found by trying the operator hard; each row failed before its fix.</summary>
public sealed class SafetyRegressionTests
{
    private static readonly ProviderView Unresolved = new ProviderView.Unresolved(Reasons.CredentialsMissing, "Secret not found");
    private static readonly ProviderView NoProvider = new ProviderView.Unresolved(Reasons.ProviderNotFound, "PowerProvider not found");

    public static TheoryData<string> FirstReconciles => new() { "suspended", "credentials-missing", "provider-missing", "read-503", "other-annotation-invalid" };

    /// <summary>A token present at first sight is adopted whatever the first reconcile met, and never executed later.</summary>
    [Theory, MemberData(nameof(FirstReconciles))]
    public void A_token_present_at_first_sight_is_adopted_whatever_the_first_reconcile_met(string first)
    {
        foreach (var key in new[] { Annotations.Restart, Annotations.Rebuild })
        {
            var annotations = new Dictionary<string, string> { [key] = "v1" };
            if (first == "other-annotation-invalid")
                annotations[key == Annotations.Restart ? Annotations.Rebuild : Annotations.Restart] = "not valid!";
            var server = Cases.Server(annotations: annotations, status: null, spec: first == "suspended" ? s => s with { Suspend = true } : null);
            server.Status = null;
            server.Metadata.Generation = 1;
            var view = first switch
            {
                "credentials-missing" => Unresolved,
                "provider-missing" => NoProvider,
                "read-503" => ReadFails(OutcomeKind.Unavailable),
                _ => Observed(PowerState.Running, Wings),
            };
            var firstDecision = Decide(server, view);
            Assert.Null(firstDecision.Action);

            var later = Cases.Server(status: firstDecision.Status, annotations: new Dictionary<string, string> { [key] = "v1" });
            var second = Decide(later, Observed(PowerState.Running, Wings), T0.AddMinutes(1));
            Assert.Null(second.Action);
            var oneShot = key == Annotations.Restart ? second.Status.Restart : second.Status.Rebuild;
            Assert.Equal(OneShotPhase.Skipped, oneShot?.Phase);
        }
    }

    [Theory]
    [InlineData(ActionType.Restart)]
    [InlineData(ActionType.Rebuild)]
    public void Declaring_Stopped_after_an_accepted_one_shot_stops_at_once(ActionType oneShot)
    {
        var status = new ServerPowerStatus { ObservedGeneration = 1, LastAction = Accepted(oneShot, T0.AddSeconds(-30), "t1") };
        var r = Decide(Server(DesiredPowerState.Stopped, status, s => s with { Stop = new StopSpec { OnTimeout = StopTimeoutAction.Kill } }), Observed(PowerState.Running, Wings));
        Assert.Equal(ActionType.Stop, r.Action);
    }

    [Fact]
    public void A_restart_long_ago_never_counts_as_the_stop_that_kill_escalates()
    {
        var status = new ServerPowerStatus { ObservedGeneration = 1, LastAction = Accepted(ActionType.Restart, T0.AddMinutes(-30), "t1") };
        var r = Decide(Server(DesiredPowerState.Stopped, status, s => s with { Stop = new StopSpec { OnTimeout = StopTimeoutAction.Kill } }), Observed(PowerState.Running, Wings));
        Assert.Equal(ActionType.Stop, r.Action);
        Assert.DoesNotContain(r.Decision.Events, e => e.Reason == "StopTimedOut");
    }

    [Fact]
    public void A_server_stuck_in_Stopping_is_killed_once_the_grace_period_is_over()
    {
        var status = new ServerPowerStatus { ObservedGeneration = 1, LastAction = Accepted(ActionType.Stop, T0.AddMinutes(-11)) };
        var server = Server(DesiredPowerState.Stopped, status, s => s with { Stop = new StopSpec { GracePeriod = "10m", OnTimeout = StopTimeoutAction.Kill } });
        Assert.Equal(ActionType.Kill, Decide(server, Observed(PowerState.Stopping, Wings)).Action);
    }

    [Fact]
    public void A_server_found_Stopping_without_our_stop_gets_a_stop_so_that_its_grace_period_starts()
    {
        var server = Server(DesiredPowerState.Stopped, spec: s => s with { Stop = new StopSpec { OnTimeout = StopTimeoutAction.Kill } });
        Assert.Equal(ActionType.Stop, Decide(server, Observed(PowerState.Stopping, Wings)).Action);
    }

    [Fact]
    public void Kill_is_written_before_it_is_sent_and_an_interrupted_kill_is_followed_by_a_stop_not_a_kill()
    {
        var status = new ServerPowerStatus { ObservedGeneration = 1, LastAction = Accepted(ActionType.Stop, T0.AddMinutes(-11)) };
        var server = Server(DesiredPowerState.Stopped, status, s => s with { Stop = new StopSpec { GracePeriod = "10m", OnTimeout = StopTimeoutAction.Kill } });
        var kill = Decide(server, Observed(PowerState.Stopping, Wings));
        Assert.Equal(ActionType.Kill, kill.Action);
        Assert.Equal(ActionType.Kill, kill.Status.LastAction?.Type);
        Assert.Equal(ActionResult.Uncertain, kill.Status.LastAction?.Result);

        // The operator crashed after writing that status: the next pass must not kill again.
        var next = Decide(Server(DesiredPowerState.Stopped, kill.Status, s => s with { Stop = new StopSpec { GracePeriod = "10m", OnTimeout = StopTimeoutAction.Kill } }),
            Observed(PowerState.Running, Wings), T0.AddSeconds(5));
        Assert.Equal(ActionType.Stop, next.Action);
    }

    /// <summary>
    /// Found by <see cref="DecisionProperties"/>: a rebuild (or a start) sent and then lost by a crash left lastAction at
    /// an old accepted stop, so declaring Stopped later killed the server at once, without a graceful stop. Every
    /// action is now recorded as lastAction Uncertain in the status written before it is sent.
    /// </summary>
    [Theory]
    [InlineData(ActionType.Rebuild)]
    [InlineData(ActionType.Start)]
    public void An_action_lost_by_a_crash_after_an_old_stop_is_followed_by_a_stop_not_a_kill(ActionType lost)
    {
        var oldStop = Accepted(ActionType.Stop, T0.AddMinutes(-60));
        var killOnTimeout = (Func<ServerPowerSpec, ServerPowerSpec>)(s => s with { Stop = new StopSpec { GracePeriod = "10m", OnTimeout = StopTimeoutAction.Kill } });
        var sending = lost == ActionType.Rebuild
            ? Decide(Server(DesiredPowerState.Running, new ServerPowerStatus { ObservedGeneration = 1, LastAction = oldStop }, s => killOnTimeout(s with { Rebuild = new RebuildSpec { OsId = "x" } }), Rebuild("r1")), Observed(PowerState.Running, Wings))
            : Decide(Server(DesiredPowerState.Running, new ServerPowerStatus { ObservedGeneration = 1, LastAction = oldStop }, killOnTimeout), Observed(PowerState.Stopped, Wings));
        Assert.Equal(lost, sending.Action);
        Assert.Equal(new LastAction { Type = lost, Token = sending.Decision.Action!.OneShotToken, RequestTime = T0, Result = ActionResult.Uncertain },
            sending.Status.LastAction! with { Message = null, Target = null });

        // The operator crashed before recording the answer; later the user declares Stopped.
        var later = Decide(Server(DesiredPowerState.Stopped, sending.Status, killOnTimeout, lost == ActionType.Rebuild ? Rebuild("r1") : null),
            Observed(PowerState.Running, Wings), T0.AddMinutes(30));
        Assert.Equal(ActionType.Stop, later.Action);
    }

    [Fact]
    public void Drift_after_the_declared_state_was_reached_is_acted_on_at_the_first_observation()
    {
        var started = Decide(Server(DesiredPowerState.Running), Observed(PowerState.Stopped));
        Assert.Equal(ActionType.Start, started.Action);
        var afterStart = started.After(ProviderOutcome.Accepted()).Status;
        var running = Decide(Server(DesiredPowerState.Running, afterStart), Observed(PowerState.Running), T0.AddSeconds(20));
        Assert.Null(running.Action);
        var crashed = Decide(Server(DesiredPowerState.Running, running.Status), Observed(PowerState.Stopped), T0.AddSeconds(40));
        Assert.Equal(ActionType.Start, crashed.Action);
        Assert.DoesNotContain(crashed.Decision.Events, e => e.Reason == "StartTimedOut");
    }

    [Fact]
    public void A_restart_seen_still_Running_before_it_took_effect_is_not_taken_for_settled()
    {
        var status = new ServerPowerStatus { ObservedGeneration = 1, PowerState = PowerState.Running, LastAction = Accepted(ActionType.Restart, T0, "t1") };
        var stale = Decide(Server(DesiredPowerState.Running, status), Observed(PowerState.Running), T0.AddSeconds(5));
        var rebooting = Decide(Server(DesiredPowerState.Running, stale.Status), Observed(PowerState.Stopped), T0.AddSeconds(10));
        Assert.Null(rebooting.Action);
    }

    [Fact]
    public void An_invalid_annotation_does_not_stop_the_declared_state_from_being_enforced()
    {
        var r = Decide(Server(DesiredPowerState.Stopped, annotations: Restart("not valid!")), Observed(PowerState.Running));
        Assert.Equal(ActionType.Stop, r.Action);
        Assert.Equal(Reasons.InvalidSpec, Synced(r.Status)?.Reason);
        Assert.Equal("False", Synced(r.Status)?.Status);
    }

    [Fact]
    public void An_invalid_annotation_does_not_block_deletion()
    {
        var server = Deleting(Server(DesiredPowerState.Running, annotations: Restart("not valid!")));
        var r = Decide(server, Observed(PowerState.Stopped));
        Assert.True(r.Decision.ReleaseFinalizer);
    }

    [Theory]
    [InlineData(OutcomeKind.NotFound, true)]
    [InlineData(OutcomeKind.Forbidden, false)]
    public void A_state_blind_server_that_cannot_be_stopped_at_deletion_says_how_to_let_go(OutcomeKind kind, bool released)
    {
        var r = Decide(Deleting(Server(DesiredPowerState.Running)), Blind());
        Assert.Equal(ActionType.Stop, r.Action);
        var after = r.After(new ProviderOutcome(kind, "no access to this VPS"));
        Assert.Equal(released, after.ReleaseFinalizer);
        if (!released) Assert.Contains("deletionPolicy: Orphan", Ready(after.Status).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unusable_provider_at_deletion_says_how_to_let_go()
    {
        var r = Decide(Deleting(Server(DesiredPowerState.Running)), Unresolved);
        Assert.False(r.Decision.ReleaseFinalizer);
        Assert.Contains("deletionPolicy: Orphan", Ready(r.Status).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_string_written_to_status_and_events_is_bounded()
    {
        var huge = new string('x', 100_000);
        var r = Decide(Server(DesiredPowerState.Stopped), Observed(PowerState.Running));
        var after = r.After(new ProviderOutcome(OutcomeKind.Invalid, huge));
        Assert.True(after.Status.LastAction!.Message!.Length <= Text.MaxMessageLength);
        Assert.All(after.Status.Conditions!, c => Assert.True(c.Message.Length <= Text.MaxMessageLength));
        Assert.All(after.Events, e => Assert.True(e.Message.Length <= Text.MaxMessageLength));
        var read = Decide(Server(DesiredPowerState.Stopped), new ProviderView.Resolved(ProviderType.Wenium, Wenium,
            ReadResult.Of(new ObservedServer(PowerState.Unknown, huge)), null));
        Assert.True(read.Status.ProviderState!.Length <= Text.MaxStateLength);
        Assert.All(read.Status.Conditions!, c => Assert.True(c.Message.Length <= Text.MaxMessageLength));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    public void A_Retry_After_of_zero_or_in_the_past_never_requeues_at_once(int seconds)
    {
        // Without a useful Retry-After a 429 is a failure: the work queue's backoff grows with every repeat.
        var read = Decide(Server(), ReadFails(OutcomeKind.RateLimited, TimeSpan.FromSeconds(seconds)));
        Assert.True(read.Decision.Failed);
        var act = Decide(Server(DesiredPowerState.Stopped), Observed(PowerState.Running));
        var after = act.After(new ProviderOutcome(OutcomeKind.RateLimited, "slow down", TimeSpan.FromSeconds(seconds)));
        Assert.True(after.Failed);
        Assert.Null(after.RequeueAfter);
    }

    /// <summary>The provider layer refused before sending (its own rate limit): the token stays new and is sent later, once.</summary>
    [Fact]
    public void A_one_shot_refused_before_any_request_left_is_tried_again_later_not_Failed()
    {
        var server = Server(annotations: Restart("r1"));
        var sending = Decide(server, Observed(PowerState.Running));
        Assert.Equal(ActionType.Restart, sending.Action);
        var refused = sending.After(new ProviderOutcome(OutcomeKind.RateLimited, "rate limit of this account reached", TimeSpan.FromSeconds(5), NotSent: true));
        Assert.Null(refused.Status.Restart);
        Assert.Null(refused.Status.LastAction);
        Assert.Equal(TimeSpan.FromSeconds(5), refused.RequeueAfter);

        var later = Decide(Server(status: refused.Status, annotations: Restart("r1")), Observed(PowerState.Running), T0.AddSeconds(5));
        Assert.Equal(ActionType.Restart, later.Action);
    }

    /// <summary>
    /// Issue 20: values the API accepted threw out of every reconcile (status stale, a deletion waiting forever). An
    /// override until 9999-12-31T23:59:59-01:00 (past the year 9999 in UTC) threw ArgumentOutOfRangeException, a
    /// gracePeriod of 999999999h OverflowException. Now each is Synced=False InvalidSpec naming the field, nothing is sent
    /// for it, and a deletion goes on (with the default grace period of 10m, and says so).
    /// </summary>
    public static TheoryData<string, bool, ActionType?, string> ExtremeValues => new()
    {
        // which value,  deleting, action,           Synced message contains
        { "override",    false,    null,             "annotation power.serverops.io/override must be" },
        { "override",    true,     ActionType.Stop,  "" },
        { "gracePeriod", false,    null,             "spec.stop.gracePeriod \"999999999h\" is not a duration" },
        { "gracePeriod", true,     ActionType.Stop,  "the deletion goes on with the default 10m" }, // seen Running: a new graceful stop
    };

    [Theory, MemberData(nameof(ExtremeValues))]
    public void A_value_the_API_accepts_never_throws_out_of_the_decision(string which, bool deleting, ActionType? action, string synced)
    {
        var annotations = which == "override" ? new Dictionary<string, string> { [Annotations.Override] = "Stopped until 9999-12-31T23:59:59-01:00" } : null;
        var stopAccepted = new ServerPowerStatus { ObservedGeneration = 1, LastAction = Accepted(ActionType.Stop, T0.AddMinutes(-11)) };
        var server = Server(which == "override" ? DesiredPowerState.Running : DesiredPowerState.Stopped, which == "override" ? null : stopAccepted,
            s => s with { Stop = new StopSpec { GracePeriod = which == "override" ? "10m" : "999999999h", OnTimeout = StopTimeoutAction.Kill } }, annotations);
        if (deleting) server = Deleting(server);

        var input = new DecisionInput(server, Observed(PowerState.Running, Wings), T0, Settings, Intent: EffectiveState.Resolve(server, null, T0));
        var r = ServerPowerDecider.Decide(input);

        Assert.Equal(action, r.Action?.Type);
        if (synced.Length == 0) return;
        Assert.Equal((ConditionStatus.False, Reasons.InvalidSpec), (Synced(r.Status)?.Status, Synced(r.Status)?.Reason));
        Assert.Contains(synced, Synced(r.Status)!.Message, StringComparison.Ordinal);
        Assert.Contains(r.Events, e => e.Warning && e.Reason == Reasons.InvalidSpec);
        if (!deleting) Assert.Equal(("False", Reasons.InvalidSpec), (Ready(r.Status).Status, Ready(r.Status).Reason));
        if (which == "gracePeriod" && !deleting)
        {
            Assert.DoesNotContain("deletion", Synced(r.Status)!.Message, StringComparison.Ordinal);
            Assert.EndsWith("nothing is sent until spec.stop.gracePeriod is fixed", Ready(r.Status).Message, StringComparison.Ordinal);
        }
    }

    private static ServerPowerResource Deleting(ServerPowerResource server)
    {
        server.Metadata.DeletionTimestamp = T0.UtcDateTime.AddMinutes(-1);
        server.Metadata.Finalizers = [Annotations.StopFinalizer];
        server.Spec = server.Spec with { DeletionPolicy = DeletionPolicy.Stop };
        return server;
    }
}
