using ServerPower.Api.Resources;
using ServerPower.Api.Serialization;
using ServerPower.Api.Vocabulary;
using ServerPower.Operator.Decision;
using ServerPower.Providers.Contract;
using static ServerPower.Operator.Tests.Decision.Cases;

namespace ServerPower.Operator.Tests.Decision;

/// <summary>
/// The holes a careful user found in the guarantees (kill to a server that never got a stop, a rollback repeating a
/// one-shot, a stale power state, a deletion with no way out named, two objects fighting over one server). Each row
/// failed before its fix.
/// </summary>
public sealed class PromiseHoleTests
{
    private static readonly Func<ServerPowerSpec, ServerPowerSpec> KillAfter10m =
        s => s with { Stop = new StopSpec { GracePeriod = "10m", OnTimeout = StopTimeoutAction.Kill } };

    private static ProviderView At(PowerState power, string endpoint = "https://panel.example.com") =>
        new ProviderView.Resolved(ProviderType.PterodactylPanel, Wings, ReadResult.Of(new ObservedServer(power, power.ToString().ToLowerInvariant())),
            null, Endpoint: endpoint);

    /// <summary>Declares Stopped, has the stop accepted by <c>srvF</c>, which then hangs in Stopping.</summary>
    private static ServerPowerStatus StopAcceptedBy(string serverId, string endpoint = "https://panel.example.com")
    {
        var server = Server(DesiredPowerState.Stopped, spec: s => KillAfter10m(s) with { ServerId = serverId });
        var sending = Decide(server, At(PowerState.Running, endpoint), T0);
        Assert.Equal(ActionType.Stop, sending.Action);
        return sending.After(ProviderOutcome.Accepted("stopping")).Status;
    }

    [Fact]
    public void A_stop_recorded_for_one_server_id_never_escalates_to_a_kill_of_another()
    {
        var status = StopAcceptedBy("srvF");
        Assert.Contains("srvF", status.LastAction?.Target, StringComparison.Ordinal);

        // Two seconds later spec.serverId becomes srvG; srvG stays Stopping past srvF's grace period.
        var moved = Server(DesiredPowerState.Stopped, status, s => KillAfter10m(s) with { ServerId = "srvG" });
        var r = Decide(moved, At(PowerState.Stopping), T0.AddMinutes(11));

        Assert.Equal(ActionType.Stop, r.Action);
        Assert.Contains(new DecisionEvent(false, EventReasons.TargetChanged,
            "the last action (Stop) was sent to PowerProvider p (PterodactylPanel https://panel.example.com) server srvF; "
            + "this server is now PowerProvider p (PterodactylPanel https://panel.example.com) server srvG: starting over"), r.Decision.Events);
        Assert.Contains("srvG", r.Status.LastAction?.Target, StringComparison.Ordinal);
        Assert.Contains(r.Status.History!, h => h.Type == ActionType.Stop && h.Result == ActionResult.Accepted);
    }

    [Fact]
    public void A_stop_sent_to_one_account_never_escalates_to_a_kill_at_another_endpoint()
    {
        var status = StopAcceptedBy("srvF", "https://old.example.com");
        var r = Decide(Server(DesiredPowerState.Stopped, status, s => KillAfter10m(s) with { ServerId = "srvF" }),
            At(PowerState.Stopping, "https://new.example.com"), T0.AddMinutes(11));
        Assert.Equal(ActionType.Stop, r.Action);
    }

    [Fact]
    public void A_changed_providerRef_starts_over_with_a_graceful_stop()
    {
        var status = StopAcceptedBy("srvF");
        var r = Decide(Server(DesiredPowerState.Stopped, status, s => KillAfter10m(s) with { ServerId = "srvF", ProviderRef = new LocalObjectReference { Name = "other" } }),
            At(PowerState.Stopping), T0.AddMinutes(11));
        Assert.Equal(ActionType.Stop, r.Action);
    }

    [Fact]
    public void The_same_server_still_Stopping_after_the_grace_period_is_killed()
    {
        var status = StopAcceptedBy("srvF");
        var r = Decide(Server(DesiredPowerState.Stopped, status, s => KillAfter10m(s) with { ServerId = "srvF" }), At(PowerState.Stopping), T0.AddMinutes(11));
        Assert.Equal(ActionType.Kill, r.Action);
        Assert.DoesNotContain(r.Decision.Events, e => e.Reason == "TargetChanged");
    }

    [Fact]
    public void A_record_written_before_targets_existed_counts_as_the_current_servers()
    {
        var status = new ServerPowerStatus { ObservedGeneration = 1, LastAction = Accepted(ActionType.Stop, T0.AddMinutes(-11)) };
        Assert.Equal(ActionType.Kill, Decide(Server(DesiredPowerState.Stopped, status, KillAfter10m), At(PowerState.Stopping)).Action);
    }

    [Theory]
    [InlineData(PowerState.Running, ActionType.Stop)]
    [InlineData(PowerState.Starting, null)]
    [InlineData(PowerState.Busy, null)]
    [InlineData(PowerState.Stopping, ActionType.Kill)]
    public void Past_the_grace_period_only_a_server_still_Stopping_is_killed(PowerState seen, ActionType? expected)
    {
        // Stop accepted, then suspended; the server was started outside the operator; unsuspended after the grace period.
        var status = StopAcceptedBy("1");
        var r = Decide(Server(DesiredPowerState.Stopped, status, KillAfter10m), At(seen), T0.AddMinutes(30));
        Assert.Equal(expected, r.Action);
        if (seen != PowerState.Running) return;
        var notInEffect = Assert.Single(r.Decision.Events, e => e.Reason == "StopNotInEffect");
        Assert.True(notInEffect.Warning);
        Assert.StartsWith("the server is Running after the Stop accepted at", notInEffect.Message, StringComparison.Ordinal);
        Assert.EndsWith("sending a new graceful stop", notInEffect.Message, StringComparison.Ordinal);
        Assert.Equal($"sending Stop: the server is Running after the Stop accepted at {KubeTimeConverter.Format(status.LastAction!.RequestTime)}", Ready(r.Status).Message);
    }

    [Fact]
    public void A_rollback_to_a_token_handled_before_is_skipped_not_run_again()
    {
        var status = new ServerPowerStatus { ObservedGeneration = 1 };
        var sent = new List<string>();
        foreach (var (token, minute) in new[] { ("A", 1), ("B", 2), ("A", 3) })
        {
            var r = Decide(Server(status: status, annotations: Restart(token)), Observed(PowerState.Running), T0.AddMinutes(minute));
            if (r.Action == ActionType.Restart)
            {
                sent.Add(token);
                status = r.After(ProviderOutcome.Accepted()).Status;
                // The restart settles: the server went down and came back.
                status = Decide(Server(status: status with { PowerState = PowerState.Stopped }, annotations: Restart(token)), Observed(PowerState.Running),
                    T0.AddMinutes(minute).AddSeconds(30)).Status;
            }
            else
            {
                status = r.Status;
            }
        }
        Assert.Equal(["A", "B"], sent);
        Assert.Equal(OneShotPhase.Skipped, status.Restart?.Phase);
        Assert.Equal("already handled at 2026-11-22T10:01:00Z", status.Restart?.Message);
        Assert.Equal(2, status.History!.Count(h => h.Type == ActionType.Restart));
    }

    [Fact]
    public void Handled_tokens_are_remembered_up_to_the_documented_bound()
    {
        var status = new ServerPowerStatus { ObservedGeneration = 1 };
        for (var i = 0; i <= HandledToken.MaxEntries; i++)
        {
            var r = Decide(Server(DesiredPowerState.Stopped, status, annotations: Restart($"t{i}")), Observed(PowerState.Stopped), T0.AddMinutes(i));
            Assert.Null(r.Action);
            status = r.Status;
        }
        Assert.Equal(HandledToken.MaxEntries, status.Restart?.Handled?.Count);
        Assert.Equal($"t{HandledToken.MaxEntries}", status.Restart?.Handled?[0].Token);
        Assert.DoesNotContain(status.Restart!.Handled!, h => h.Token == "t0");
        // Inside the bound a revert is recognised.
        var revert = Decide(Server(DesiredPowerState.Running, status, annotations: Restart("t1")), Observed(PowerState.Running), T0.AddHours(1));
        Assert.Null(revert.Action);
        Assert.StartsWith("already handled at", revert.Status.Restart?.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_token_recorded_before_the_handled_list_existed_is_remembered_too()
    {
        var status = new ServerPowerStatus { ObservedGeneration = 1, Restart = new OneShotStatus { Token = "A", Phase = OneShotPhase.Done } };
        var b = Decide(Server(DesiredPowerState.Stopped, status, annotations: Restart("B")), Observed(PowerState.Stopped));
        var a = Decide(Server(DesiredPowerState.Running, b.Status, annotations: Restart("A")), Observed(PowerState.Running), T0.AddMinutes(1));
        Assert.Null(a.Action);
        Assert.StartsWith("already handled at", a.Status.Restart?.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(OutcomeKind.NotFound)]
    [InlineData(OutcomeKind.Unavailable)]
    public void A_failed_read_shows_the_power_state_as_Unknown(OutcomeKind kind)
    {
        var status = new ServerPowerStatus { ObservedGeneration = 1, PowerState = PowerState.Running, ProviderState = "running" };
        var r = Decide(Server(status: status), ReadFails(kind));
        Assert.Equal(PowerState.Unknown, r.Status.PowerState);
        Assert.Null(r.Status.ProviderState);
    }

    [Fact]
    public void A_restart_token_for_a_server_the_provider_does_not_know_is_recorded_Failed()
    {
        var r = Decide(Server(annotations: Restart("r1")), ReadFails(OutcomeKind.NotFound));
        Assert.Null(r.Action);
        Assert.Equal(OneShotPhase.Failed, r.Status.Restart?.Phase);
        Assert.Contains("does not know the server", r.Status.Restart?.Message, StringComparison.Ordinal);
        Assert.Contains(new DecisionEvent(true, EventReasons.Failed(ActionType.Restart),
            "Restart token \"r1\": the provider does not know the server (provider says no); nothing was sent"), r.Decision.Events);
        // A transient failure keeps the token new: it is handled once the server can be read.
        var transient = Decide(Server(annotations: Restart("r1")), ReadFails(OutcomeKind.Unavailable));
        Assert.Null(transient.Status.Restart);
    }

    [Fact]
    public void A_deletion_waiting_for_a_server_stuck_Stopping_names_deletionPolicy_Orphan()
    {
        var status = new ServerPowerStatus { ObservedGeneration = 1, LastAction = Accepted(ActionType.Stop, T0.AddMinutes(-1)) };
        var server = Server(DesiredPowerState.Running, status, s => s with { DeletionPolicy = DeletionPolicy.Stop });
        server.Metadata.DeletionTimestamp = T0.UtcDateTime.AddMinutes(-1);
        server.Metadata.Finalizers = [Annotations.StopFinalizer];
        var r = Decide(server, Observed(PowerState.Stopping));
        Assert.Null(r.Action);
        Assert.Contains("spec.deletionPolicy: Orphan", Ready(r.Status).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_ServerPower_whose_server_another_owns_sends_nothing_and_skips_its_tokens()
    {
        var conflict = "server \"1\" of this account is already declared by ServerPower \"first\", created first; only that one acts on it";
        var input = new DecisionInput(Server(DesiredPowerState.Stopped, annotations: Restart("r1")), Observed(PowerState.Running), T0, Settings, Conflict: conflict);
        var r = ServerPowerDecider.Decide(input);
        Assert.Null(r.Action);
        Assert.Equal(("False", Reasons.ServerConflict, conflict), (Synced(r.Status)!.Status, Synced(r.Status)!.Reason, Synced(r.Status)!.Message));
        Assert.Equal(("False", Reasons.ServerConflict), (Ready(r.Status).Status, Ready(r.Status).Reason));
        Assert.Equal($"{conflict}; this one sends nothing while that one exists", Ready(r.Status).Message);
        Assert.Equal(OneShotPhase.Skipped, r.Status.Restart?.Phase);
        Assert.Equal($"{conflict}: not executed", r.Status.Restart?.Message);
        Assert.Contains(r.Events, e => e is { Warning: true, Reason: Reasons.ServerConflict } && e.Message == conflict);
        Assert.Contains(r.Events, e => e is { Warning: false, Reason: "RestartSkipped" } && e.Message == $"Restart token \"r1\": {conflict}: not executed");
        Assert.False(r.ReleaseFinalizer);
    }

    [Fact]
    public void Under_another_owner_a_token_handled_before_keeps_its_record_and_an_invalid_one_is_not_settled_as_skipped()
    {
        var conflict = "owned by another";
        var done = new OneShotStatus { Token = "r1", Phase = OneShotPhase.Done, Message = "restarted" };
        var annotations = new Dictionary<string, string> { [Annotations.Restart] = "r1", [Annotations.Rebuild] = "not valid!" };
        var server = Server(DesiredPowerState.Running, new ServerPowerStatus { ObservedGeneration = 1, Restart = done }, annotations: annotations);
        var r = ServerPowerDecider.Decide(new DecisionInput(server, Observed(PowerState.Running), T0, Settings, Conflict: conflict));
        Assert.Equal(done, r.Status.Restart);
        Assert.NotEqual(OneShotPhase.Skipped, r.Status.Rebuild?.Phase);
        Assert.DoesNotContain(r.Events, e => e.Reason is "RestartSkipped" or "RebuildSkipped");
    }

    [Fact]
    public void Deleting_a_ServerPower_whose_server_another_owns_lets_it_go_without_stopping()
    {
        var server = Server(DesiredPowerState.Running, spec: s => s with { DeletionPolicy = DeletionPolicy.Stop });
        server.Metadata.DeletionTimestamp = T0.UtcDateTime;
        server.Metadata.Finalizers = [Annotations.StopFinalizer];
        var r = ServerPowerDecider.Decide(new DecisionInput(server, Observed(PowerState.Running), T0, Settings, Conflict: "owned by another"));
        Assert.Null(r.Action);
        Assert.True(r.ReleaseFinalizer);
        Assert.Contains(r.Events, e => e is { Warning: false, Reason: EventReasons.FinalizerReleased }
            && e.Message == "the server belongs to another ServerPower: it was not stopped before deletion");
    }
}
