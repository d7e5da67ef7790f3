using ServerPower.Api.Resources;
using ServerPower.Api.Vocabulary;
using ServerPower.Operator.Decision;
using ServerPower.Providers.Contract;
using static ServerPower.Operator.Tests.Decision.Cases;

namespace ServerPower.Operator.Tests.Decision;

/// <summary>
/// Rows for the mutants that survived the 13:22Z mutation run: Ready and Synced status and exact messages of the
/// start/stop order, the readiness probe, an override and an unevaluated schedule; events' warning flags; requeue of a
/// deletion waiting for its dependents; which start a probe counts from.
/// </summary>
public sealed class SurvivingMutantTests
{
    private static readonly DateTimeOffset Until = T0.AddHours(2);
    private static readonly ReadinessProbeSpec Probe = new() { TcpSocket = new TcpSocketProbe { Host = "mc.example.com", Port = 25565 }, SuccessThreshold = 2 };
    private const string Cycle = "spec.startAfter forms a cycle: mc → mc";

    private static ServerPowerDecisionResult Decide(ServerPowerResource server, ProviderView view, ReadinessView? readiness = null,
        DependencyView? dependencies = null, Intent? intent = null, DateTimeOffset? now = null)
    {
        var input = new DecisionInput(server, view, now ?? T0, Settings, readiness, dependencies, intent);
        return new ServerPowerDecisionResult(input, ServerPowerDecider.Decide(input));
    }

    private static (string Status, string Reason, string Message) ReadyOf(ServerPowerStatus status) =>
        (Ready(status).Status, Ready(status).Reason, Ready(status).Message);

    private static (string? Status, string? Reason, string? Message) SyncedOf(ServerPowerStatus status) =>
        (Synced(status)?.Status, Synced(status)?.Reason, Synced(status)?.Message);

    private static List<(bool Warning, string Reason, string Message)> EventsOf(ServerPowerDecisionResult r) =>
        r.Decision.Events.Select(e => (e.Warning, e.Reason, e.Message)).ToList();

    private static Intent.Known Override(TargetPowerState state, DateTimeOffset? until) =>
        new(state, "override", until) { Override = new OverrideStatus { State = state, Until = until, Active = true } };

    /// <summary>A server whose last start was accepted 30 s ago and seen Running since; with a readiness probe.</summary>
    private static ServerPowerResource StartedWithProbe(ManagementPolicy policy = ManagementPolicy.Manage) =>
        Server(DesiredPowerState.Running, new ServerPowerStatus { ObservedGeneration = 1, LastAction = Accepted(ActionType.Start, T0.AddSeconds(-30)) },
            s => s with { ReadinessProbe = Probe, ManagementPolicy = policy });

    private static ProbeSnapshot Passing(DateTimeOffset? since) => new(since, ProbeVerdict.Passing, ProbeResult.Success, T0.AddSeconds(-5), 2, 0, "accepted");

    private static ServerPowerResource BeingDeleted(DateTimeOffset deleted)
    {
        var s = Server(DesiredPowerState.Running, spec: spec => spec with { DeletionPolicy = DeletionPolicy.Stop, Stop = new StopSpec { GracePeriod = "2m" } });
        s.Metadata.DeletionTimestamp = deleted.UtcDateTime;
        s.Metadata.Finalizers = [Annotations.StopFinalizer];
        return s;
    }

    // ---- spec.startAfter ----

    [Theory]
    [InlineData(new[] { "db" }, "not started until db is Ready with desired state Running (spec.startAfter)")]
    [InlineData(new[] { "db", "cache" }, "not started until db, cache are Ready with desired state Running (spec.startAfter)")]
    public void A_start_waiting_for_dependencies_is_Ready_False_naming_them(string[] notReady, string message)
    {
        var r = Decide(Server(), Observed(PowerState.Stopped), dependencies: new DependencyView(notReady, []));
        Assert.Null(r.Action);
        Assert.Equal(("False", Reasons.WaitingForDependencies, message), ReadyOf(r.Status));
        Assert.Equal(Settings.ResyncPeriod, r.Decision.RequeueAfter);
    }

    [Fact]
    public void A_stop_waiting_for_dependents_is_Ready_False_naming_them()
    {
        var r = Decide(Server(DesiredPowerState.Stopped), Observed(PowerState.Running), dependencies: new DependencyView([], ["app", "web"]));
        Assert.Null(r.Action);
        Assert.Equal(("False", Reasons.WaitingForDependencies, "not stopped until app, web stopped (they list this server in spec.startAfter)"), ReadyOf(r.Status));
    }

    [Fact]
    public void A_state_blind_stop_waits_for_dependents_too()
    {
        var r = Decide(Server(DesiredPowerState.Stopped), Blind(), dependencies: new DependencyView([], ["app"]));
        Assert.Null(r.Action);
        Assert.Equal(Reasons.WaitingForDependencies, Ready(r.Status).Reason);
    }

    [Fact]
    public void A_deletion_waiting_for_dependents_comes_back_when_the_grace_period_ends()
    {
        // Deleted 105 s ago with a 2m grace period: 15 s are left, less than the longest poll (30 s).
        var r = Decide(BeingDeleted(T0.AddSeconds(-105)), Observed(PowerState.Running), dependencies: new DependencyView([], ["app", "web"]));
        Assert.Null(r.Action);
        Assert.Equal(("False", Reasons.WaitingForDependencies,
            "being deleted: stopped once app, web stopped (they list this server in spec.startAfter), at most 2m after the deletion"), ReadyOf(r.Status));
        Assert.Equal(TimeSpan.FromSeconds(15), r.Decision.RequeueAfter);
    }

    [Fact]
    public void A_deletion_that_waited_the_grace_period_stops_the_server_with_a_warning_naming_the_dependents()
    {
        var r = Decide(BeingDeleted(T0.AddMinutes(-2)), Observed(PowerState.Running), dependencies: new DependencyView([], ["app", "web"]));
        Assert.Equal(ActionType.Stop, r.Action);
        Assert.Equal([(true, Reasons.WaitingForDependencies, "app, web did not stop within 2m of the deletion; stopping this server anyway")], EventsOf(r));
    }

    [Fact]
    public void An_invalid_order_with_the_server_not_as_declared_is_Synced_and_Ready_False_saying_what_to_fix()
    {
        var r = Decide(Server(), Observed(PowerState.Stopped), dependencies: new DependencyView([], [], Cycle));
        Assert.Null(r.Action);
        Assert.Equal(("False", Reasons.InvalidSpec, Cycle), SyncedOf(r.Status));
        Assert.Equal(("False", Reasons.WaitingForDependencies, $"{Cycle}; nothing is sent until spec.startAfter is fixed"), ReadyOf(r.Status));
        Assert.Equal(PowerState.Stopped, r.Status.PowerState);
    }

    [Fact]
    public void An_invalid_order_with_the_server_as_declared_is_Ready_with_its_probe_counted_from_the_last_start()
    {
        var r = Decide(StartedWithProbe(), Observed(PowerState.Running), new ReadinessView(Passing(T0.AddSeconds(-30))), new DependencyView([], [], Cycle));
        Assert.Null(r.Action);
        Assert.Equal(("False", Reasons.InvalidSpec, Cycle), SyncedOf(r.Status));
        Assert.Equal(("True", Reasons.InDesiredState, "the server is Running; its readiness probe passes"), ReadyOf(r.Status));
        Assert.Equal(PowerState.Running, r.Status.PowerState);
    }

    [Fact]
    public void An_invalid_order_of_a_state_blind_server_reports_its_state_as_Unknown()
    {
        var server = Server(status: new ServerPowerStatus { ObservedGeneration = 1, PowerState = PowerState.Running });
        var r = Decide(server, Blind(), dependencies: new DependencyView([], [], Cycle));
        Assert.Null(r.Action);
        Assert.Equal(PowerState.Unknown, r.Status.PowerState);
    }

    // ---- readiness probe ----

    [Fact]
    public void After_an_accepted_start_the_probe_counts_from_that_start_on_a_readable_provider()
    {
        var r = Decide(StartedWithProbe(), Observed(PowerState.Running), new ReadinessView(Passing(T0.AddSeconds(-30))));
        Assert.Equal(("True", Reasons.InDesiredState, "the server is Running; its readiness probe passes"), ReadyOf(r.Status));
        Assert.Equal(ProbeResult.Success, r.Status.Probe?.LastResult);
    }

    [Fact]
    public void Under_Observe_a_state_blind_server_counts_its_probe_from_the_last_restart_not_a_start()
    {
        var r = Decide(StartedWithProbe(ManagementPolicy.Observe), Blind(), new ReadinessView(Passing(null)));
        Assert.Null(r.Action);
        Assert.Equal(("True", Reasons.ActionAccepted), (Ready(r.Status).Status, Ready(r.Status).Reason));
        Assert.EndsWith("its readiness probe passes", Ready(r.Status).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ActionType.Start, false, true)]
    [InlineData(ActionType.Start, true, false)]
    [InlineData(ActionType.Restart, true, true)]
    [InlineData(ActionType.Rebuild, false, true)]
    [InlineData(ActionType.Stop, false, false)]
    [InlineData(ActionType.Kill, false, false)]
    public void A_probe_counts_from_the_last_start_restart_or_rebuild(ActionType last, bool blind, bool counts)
    {
        var status = new ServerPowerStatus { LastAction = Accepted(last, T0.AddMinutes(-1)) };
        Assert.Equal(counts ? T0.AddMinutes(-1) : (DateTimeOffset?)null, ServerPowerDecider.ProbeSince(status, blind));
    }

    [Fact]
    public void Consecutive_failures_are_recorded_up_to_the_declared_failure_threshold()
    {
        var server = Server(spec: s => s with { ReadinessProbe = Probe with { FailureThreshold = 5 } });
        var failing = new ProbeSnapshot(null, ProbeVerdict.Pending, ProbeResult.Failure, T0.AddSeconds(-5), 0, 4, "tcp mc.example.com:25565: ConnectionRefused");
        var r = Decide(server, Observed(PowerState.Running), new ReadinessView(failing));
        Assert.Equal(4, r.Status.Probe?.ConsecutiveFailures);
    }

    [Fact]
    public void A_probe_target_that_is_not_allowed_is_Synced_and_Ready_False_saying_why()
    {
        const string why = "probe host 'mc.example.com' is not in the operator's allowed endpoint hosts";
        var r = Decide(Server(spec: s => s with { ReadinessProbe = Probe }), Observed(PowerState.Running), new ReadinessView(null, why));
        Assert.Equal(("False", Reasons.EndpointNotAllowed, $"readiness probe: {why}"), SyncedOf(r.Status));
        Assert.Equal(("False", Reasons.ProbeFailing, $"the server is Running, but its readiness probe may not run: {why}"), ReadyOf(r.Status));
    }

    [Fact]
    public void A_probe_without_a_result_yet_says_only_how_many_passes_it_waits_for()
    {
        var r = Decide(Server(spec: s => s with { ReadinessProbe = Probe }), Observed(PowerState.Running), new ReadinessView(null));
        Assert.Equal(("False", Reasons.ProbePending, "the server is Running; waiting for its readiness probe to pass (0 of 2 since the start)"), ReadyOf(r.Status));
    }

    // ---- override, schedule, throttled account ----

    [Theory]
    [InlineData(false, "the server is Running (override Running in force)")]
    [InlineData(true, "the server is Running (override Running until 2026-11-22T12:00:00Z in force)")]
    public void Ready_says_when_an_override_is_in_force(bool withEnd, string message)
    {
        var r = Decide(Server(DesiredPowerState.Stopped), Observed(PowerState.Running), intent: Override(TargetPowerState.Running, withEnd ? Until : null));
        Assert.Equal(("True", Reasons.InDesiredState, message), ReadyOf(r.Status));
    }

    [Fact]
    public void A_deletion_does_not_claim_the_override_is_in_force()
    {
        var r = Decide(BeingDeleted(T0.AddMinutes(-1)), Observed(PowerState.Running), intent: Override(TargetPowerState.Running, Until));
        Assert.Equal(ActionType.Stop, r.Action);
        Assert.DoesNotContain("override", Ready(r.Status).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_override_starting_and_ending_are_normal_events()
    {
        var started = Decide(Server(DesiredPowerState.Stopped), Observed(PowerState.Running), intent: Override(TargetPowerState.Running, null));
        Assert.Equal([(false, "OverrideStarted", "override Running is in force (annotation power.serverops.io/override)")], EventsOf(started));

        var ended = Decide(Server(DesiredPowerState.Stopped, started.Status), Observed(PowerState.Running));
        Assert.Equal([(false, "OverrideEnded", "override Running ended: the annotation was removed")], EventsOf(ended));
    }

    [Fact]
    public void A_scheduled_server_decided_without_its_schedule_says_nothing_is_sent()
    {
        const string message = "spec.state is Scheduled but its PowerSchedule was not evaluated; nothing is sent";
        var r = Decide(Server(DesiredPowerState.Scheduled), Observed(PowerState.Stopped));
        Assert.Null(r.Action);
        Assert.Equal(("False", Reasons.InvalidSpec, message), ReadyOf(r.Status));
        Assert.Equal([(true, Reasons.InvalidSpec, message)], EventsOf(r));
    }

    [Fact]
    public void A_change_waiting_for_a_throttled_account_is_Synced_False_saying_it_waits_for_the_Retry_After()
    {
        var server = Server(DesiredPowerState.Stopped, Decide(Server(), Observed(PowerState.Running)).Status);
        server.Metadata.Generation = 2;
        var r = Decide(server, new ProviderView.Resolved(ProviderType.Wenium, Wenium, null, null, TimeSpan.FromMinutes(1)));
        Assert.Equal("False", Synced(r.Status)?.Status);
        Assert.Contains("429", Synced(r.Status)?.Message, StringComparison.Ordinal);
        Assert.Contains("Retry-After", Synced(r.Status)?.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Recording_an_answer_without_a_decided_action_cannot_be_written()
    {
        // Was a runtime error ("no action was decided"); an answer is now only recorded for a decision that sends.
        var decided = Decide(Server(), Observed(PowerState.Running));
        Assert.IsType<ServerPower.Operator.Decision.Decision.Wait>(decided.Decision);
        var answered = typeof(ServerPowerDecider).GetMethod(nameof(ServerPowerDecider.AfterAction))!.GetParameters()[1];
        Assert.Equal(typeof(ServerPower.Operator.Decision.Decision.Send), answered.ParameterType);
    }
}
