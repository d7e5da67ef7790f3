using ServerPower.Api.Resources;
using ServerPower.Api.Vocabulary;
using ServerPower.Operator.Decision;
using static ServerPower.Operator.Tests.Decision.Cases;
using static ServerPower.Operator.Tests.Decision.DecisionMessages;

namespace ServerPower.Operator.Tests.Decision;

/// <summary>spec.startAfter: no start before the dependencies are Ready, no stop while dependents still run, a deletion waits at most the grace period, and an invalid order sends nothing.</summary>
public sealed class StartAfterRuleTests
{
    [Theory]
    [InlineData(new[] { "db" }, "not started until db is Ready with desired state Running (spec.startAfter)")]
    [InlineData(new[] { "db", "cache" }, "not started until db, cache are Ready with desired state Running (spec.startAfter)")]
    public void A_start_waiting_for_dependencies_is_Ready_False_naming_them(string[] notReady, string message)
    {
        var r = DecideWith(Server(), Observed(PowerState.Stopped), dependencies: new DependencyView(notReady, []));
        Assert.Null(r.Action);
        Assert.Equal(("False", Reasons.WaitingForDependencies, message), ReadyMessageOf(r.Status));
        Assert.Equal(Settings.ResyncPeriod, r.Decision.RequeueAfter);
    }

    [Fact]
    public void A_stop_waiting_for_dependents_is_Ready_False_naming_them()
    {
        var r = DecideWith(Server(DesiredPowerState.Stopped), Observed(PowerState.Running), dependencies: new DependencyView([], ["app", "web"]));
        Assert.Null(r.Action);
        Assert.Equal(("False", Reasons.WaitingForDependencies, "not stopped until app, web stopped (they list this server in spec.startAfter)"), ReadyMessageOf(r.Status));
    }

    [Fact]
    public void A_state_blind_stop_waits_for_dependents_too()
    {
        var r = DecideWith(Server(DesiredPowerState.Stopped), Blind(), dependencies: new DependencyView([], ["app"]));
        Assert.Null(r.Action);
        Assert.Equal(Reasons.WaitingForDependencies, Ready(r.Status).Reason);
    }

    /// <summary>
    /// A server seen Running again after its accepted stop outlived the grace period gets a new graceful stop, and that
    /// stop keeps the order too (found by the decision's generated histories: it went while a dependent being stopped
    /// still ran).
    /// </summary>
    [Fact]
    public void A_new_graceful_stop_of_a_server_running_again_waits_for_dependents_being_stopped()
    {
        var stoppedBefore = new ServerPowerStatus { ObservedGeneration = 1, LastAction = Accepted(ActionType.Stop, T0.AddMinutes(-20)) };
        var r = DecideWith(Server(DesiredPowerState.Stopped, stoppedBefore), Observed(PowerState.Running), dependencies: new DependencyView([], ["web"]));
        Assert.Null(r.Action);
        Assert.Equal(("False", Reasons.WaitingForDependencies, "not stopped until web stopped (they list this server in spec.startAfter)"), ReadyMessageOf(r.Status));
    }

    [Fact]
    public void A_deletion_waiting_for_dependents_comes_back_when_the_grace_period_ends()
    {
        // Deleted 105 s ago with a 2m grace period: 15 s are left, less than the longest poll (30 s).
        var r = DecideWith(BeingDeleted(T0.AddSeconds(-105)), Observed(PowerState.Running), dependencies: new DependencyView([], ["app", "web"]));
        Assert.Null(r.Action);
        Assert.Equal(("False", Reasons.WaitingForDependencies,
            "being deleted: stopped once app, web stopped (they list this server in spec.startAfter), at most 2m after the deletion"), ReadyMessageOf(r.Status));
        Assert.Equal(TimeSpan.FromSeconds(15), r.Decision.RequeueAfter);
    }

    [Fact]
    public void A_deletion_that_waited_the_grace_period_stops_the_server_with_a_warning_naming_the_dependents()
    {
        var r = DecideWith(BeingDeleted(T0.AddMinutes(-2)), Observed(PowerState.Running), dependencies: new DependencyView([], ["app", "web"]));
        Assert.Equal(ActionType.Stop, r.Action);
        Assert.Equal([(true, Reasons.WaitingForDependencies, "app, web did not stop within 2m of the deletion; stopping this server anyway")], EventMessagesOf(r));
    }

    [Fact]
    public void An_invalid_order_with_the_server_not_as_declared_is_Synced_and_Ready_False_saying_what_to_fix()
    {
        var r = DecideWith(Server(), Observed(PowerState.Stopped), dependencies: new DependencyView([], [], Cycle));
        Assert.Null(r.Action);
        Assert.Equal(("False", Reasons.InvalidSpec, Cycle), SyncedMessageOf(r.Status));
        Assert.Equal(("False", Reasons.WaitingForDependencies, $"{Cycle}; nothing is sent until spec.startAfter is fixed"), ReadyMessageOf(r.Status));
        Assert.Equal(PowerState.Stopped, r.Status.PowerState);
    }

    [Fact]
    public void An_invalid_order_with_the_server_as_declared_is_Ready_with_its_probe_counted_from_the_last_start()
    {
        var r = DecideWith(StartedWithProbe(), Observed(PowerState.Running), new ReadinessView(Passing(T0.AddSeconds(-30))), new DependencyView([], [], Cycle));
        Assert.Null(r.Action);
        Assert.Equal(("False", Reasons.InvalidSpec, Cycle), SyncedMessageOf(r.Status));
        Assert.Equal(("True", Reasons.InDesiredState, "the server is Running; its readiness probe passes"), ReadyMessageOf(r.Status));
        Assert.Equal(PowerState.Running, r.Status.PowerState);
    }

    [Fact]
    public void An_invalid_order_of_a_state_blind_server_reports_its_state_as_Unknown()
    {
        var server = Server(status: new ServerPowerStatus { ObservedGeneration = 1, PowerState = PowerState.Running });
        var r = DecideWith(server, Blind(), dependencies: new DependencyView([], [], Cycle));
        Assert.Null(r.Action);
        Assert.Equal(PowerState.Unknown, r.Status.PowerState);
    }
}
