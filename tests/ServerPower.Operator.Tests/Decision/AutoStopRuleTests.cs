using ServerPower.Api.Resources;
using ServerPower.Api.Vocabulary;
using ServerPower.Operator.AutoStop;
using ServerPower.Operator.Decision;
using ServerPower.Providers.Activity;
using static ServerPower.Operator.Tests.Decision.Cases;
using static ServerPower.Operator.Tests.Decision.DecisionChecks;
using static ServerPower.Operator.Tests.Decision.DecisionMessages;

namespace ServerPower.Operator.Tests.Decision;

/// <summary>
/// spec.autoStop: an idle stop (confirmed by one more read), a maxRuntime stop, the auto-stopped server staying stopped
/// until woken, and the status writes a steady server does not cost.
/// </summary>
public sealed class AutoStopRuleTests
{
    private static readonly AutoStopSpec Idle30m = new()
    {
        IdleAfter = "30m", MaxRuntime = "12h", Activity = new() { Minecraft = new ActivityEndpoint { Host = "mc.example.com", Port = 25565 } },
    };

    private static ServerPowerResource AutoServer(AutoStopStatus? autoStop, Dictionary<string, string>? annotations = null, long generation = 1)
    {
        var server = Server(DesiredPowerState.Running, new ServerPowerStatus { ObservedGeneration = 1, AutoStop = autoStop }, s => s with { AutoStop = Idle30m }, annotations);
        server.Metadata.Generation = generation;
        return server;
    }

    private static ServerPowerResource WithStatus(ServerPowerResource server, ServerPowerStatus status)
    {
        server.Status = status;
        return server;
    }

    private static ActivityState IdleSince(DateTimeOffset since) => new(0, ActivityRead.Count(0, "0 players"), T0, null, since);

    private static ServerPowerDecisionResult Run(ServerPowerResource server, PowerState power, ActivityState? activity, ActivityRead? confirmation = null, Intent? intent = null)
    {
        var input = new DecisionInput(server, Observed(power), T0, Settings, Intent: intent, AutoStop: new AutoStopView(activity, Confirmation: confirmation));
        return Checked(new ServerPowerDecisionResult(input, ServerPowerDecider.Decide(input)));
    }

    private static readonly AutoStopStatus StartedLongAgo = new() { StartedAt = T0.AddHours(-2) };

    [Fact]
    public void An_idle_stop_first_asks_for_a_confirmation_read_and_records_nothing_yet()
    {
        var r = Run(AutoServer(StartedLongAgo), PowerState.Running, IdleSince(T0.AddMinutes(-30)));
        Assert.Equal(new PlannedAction(ActionType.Stop, null, AutoStopReason.Idle), r.Decision.Action);
    }

    [Fact]
    public void A_confirmed_idle_stop_records_when_and_why_and_declares_Stopped()
    {
        var r = Run(AutoServer(StartedLongAgo), PowerState.Running, IdleSince(T0.AddMinutes(-30)), ActivityRead.Count(0, "0 players"));
        Assert.Equal(ActionType.Stop, r.Action);
        Assert.Equal((T0, AutoStopReason.Idle), (r.Status.AutoStop!.StoppedAt, r.Status.AutoStop.Reason));
        Assert.Equal(TargetPowerState.Stopped, r.Status.DesiredState);
        Assert.Contains((false, Reasons.AutoStopped), EventsOf(r.Decision));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(null)]
    public void A_confirmation_read_that_is_not_a_successful_0_cancels_the_idle_stop(int? players)
    {
        var read = players is { } n ? ActivityRead.Count(n, "1 player") : ActivityRead.Unknown(ActivityOutcome.TimedOut, "no answer");
        var r = Run(AutoServer(StartedLongAgo), PowerState.Running, IdleSince(T0.AddMinutes(-30)), read);
        Assert.Null(r.Action);
        Assert.Null(r.Status.AutoStop!.StoppedAt);
        Assert.Contains((false, EventReasons.IdleStopCancelled), EventsOf(r.Decision));
    }

    [Fact]
    public void Before_idleAfter_has_passed_nothing_is_sent_and_the_server_comes_back_at_the_deadline()
    {
        var r = Run(AutoServer(StartedLongAgo), PowerState.Running, IdleSince(T0.AddMinutes(-29)));
        Assert.Null(r.Action);
        Assert.Equal(TimeSpan.FromMinutes(1), r.Decision.RequeueAfter);
    }

    [Fact]
    public void Within_startupGrace_there_is_no_idle_stop_and_the_grace_end_is_the_deadline()
    {
        var r = Run(AutoServer(new AutoStopStatus { StartedAt = T0.AddMinutes(-28) }), PowerState.Running, IdleSince(T0.AddMinutes(-40)));
        Assert.Null(r.Action);
        Assert.Equal(TimeSpan.FromMinutes(2), r.Decision.RequeueAfter);
    }

    [Fact]
    public void Unknown_reads_are_never_idle()
    {
        var unknown = new ActivityState(null, ActivityRead.Unknown(ActivityOutcome.Refused, "refused"), T0, null, null);
        var r = Run(AutoServer(StartedLongAgo), PowerState.Running, unknown);
        Assert.Null(r.Action);
        Assert.Null(r.Status.AutoStop!.Players);
    }

    [Fact]
    public void MaxRuntime_stops_a_server_with_players_without_a_confirmation_read()
    {
        var busy = new ActivityState(5, ActivityRead.Count(5, "5 players"), T0, T0, null);
        var r = Run(AutoServer(new AutoStopStatus { StartedAt = T0.AddHours(-12) }), PowerState.Running, busy);
        Assert.Equal(new PlannedAction(ActionType.Stop, null, AutoStopReason.MaxRuntime), r.Decision.Action);
        Assert.Equal(AutoStopReason.MaxRuntime, r.Status.AutoStop!.Reason);
    }

    /// <summary>
    /// An auto-stop is a stop like any other for spec.startAfter (found by the decision's generated histories): it does
    /// not go while a server that lists this one is being stopped and still runs, and waits the stop-order window for
    /// one still declared Running (then stops anyway, with an event).
    /// </summary>
    [Fact]
    public void An_auto_stop_waits_for_a_dependent_being_stopped()
    {
        var input = new DecisionInput(AutoServer(new AutoStopStatus { StartedAt = T0.AddHours(-12) }), Observed(PowerState.Running), T0, Settings,
            Dependencies: new DependencyView([], ["web"]), AutoStop: new AutoStopView(IdleSince(T0.AddHours(-1))));
        var r = Checked(new ServerPowerDecisionResult(input, ServerPowerDecider.Decide(input)));
        Assert.Null(r.Action);
        Assert.Null(r.Status.AutoStop!.StoppedAt);
        Assert.Equal(Reasons.WaitingForDependencies, DecisionMessages.ReadyMessageOf(r.Status).Reason);
    }

    [Fact]
    public void An_auto_stop_waits_the_stop_order_window_for_a_dependent_still_declared_Running_then_stops()
    {
        var server = AutoServer(new AutoStopStatus { StartedAt = T0.AddHours(-12) });
        var running = new DependencyView([], [], RunningDependents: ["web"]);
        var first = new DecisionInput(server, Observed(PowerState.Running), T0, Settings, Dependencies: running, AutoStop: new AutoStopView(IdleSince(T0.AddHours(-1))));
        var held = Checked(new ServerPowerDecisionResult(first, ServerPowerDecider.Decide(first)));
        Assert.Null(held.Action);
        Assert.Equal(T0, held.Status.StopHeldSince);

        var later = first with { Server = WithStatus(server, held.Status), Now = T0 + Settings.StopOrderWindow };
        var stopped = Checked(new ServerPowerDecisionResult(later, ServerPowerDecider.Decide(later)));
        Assert.Equal(new PlannedAction(ActionType.Stop, null, AutoStopReason.MaxRuntime), stopped.Decision.Action);
        Assert.Contains(DecisionMessages.EventMessagesOf(stopped), e => e.Warning && e.Reason == Reasons.WaitingForDependencies);
    }

    [Fact]
    public void A_server_first_seen_Running_starts_counting_then_and_is_stopped_at_stopped()
    {
        var running = Run(AutoServer(null), PowerState.Running, null);
        Assert.Equal(T0, running.Status.AutoStop!.StartedAt);
        var stopped = Run(AutoServer(running.Status.AutoStop), PowerState.Stopped, null, intent: new Intent.Known(TargetPowerState.Stopped, "spec.state"));
        Assert.Null(stopped.Status.AutoStop!.StartedAt);
    }

    private static readonly AutoStopStatus AutoStopped = new() { StoppedAt = T0.AddHours(-1), Reason = AutoStopReason.Idle };

    [Fact]
    public void An_auto_stopped_server_stays_stopped_and_Ready_says_why_when_and_how_to_wake_it()
    {
        var r = Run(AutoServer(AutoStopped), PowerState.Stopped, null);
        Assert.Null(r.Action);
        Assert.Equal(TargetPowerState.Stopped, r.Status.DesiredState);
        var ready = Ready(r.Status);
        Assert.Equal(("True", Reasons.AutoStopped), (ready.Status, ready.Reason));
        Assert.Contains("auto-stopped at 2026-11-22T09:00:00Z", ready.Message, StringComparison.Ordinal);
        Assert.Contains("kubectl power wake mc", ready.Message, StringComparison.Ordinal);
        // Deciding again on its own output changes nothing: no write per pass.
        var again = Run(WithStatus(AutoServer(AutoStopped), r.Status), PowerState.Stopped, null);
        Assert.Equal(r.Status.AutoStop, again.Status.AutoStop);
    }

    [Fact]
    public void An_auto_stopped_server_started_outside_the_operator_is_stopped_again()
    {
        var r = Run(AutoServer(AutoStopped), PowerState.Running, null);
        Assert.Equal(ActionType.Stop, r.Action);
    }

    [Fact]
    public void A_new_wake_token_starts_it_once_and_is_recorded_like_a_restart_token()
    {
        var r = Run(AutoServer(AutoStopped, new() { [Annotations.Wake] = "w1" }), PowerState.Stopped, null);
        Assert.Equal(ActionType.Start, r.Action);
        Assert.Null(r.Status.AutoStop!.StoppedAt);
        Assert.Equal(("w1", OneShotPhase.Done), (r.Status.Wake!.Token, r.Status.Wake.Phase));
        Assert.Contains((false, EventReasons.Woken), EventsOf(r.Decision));
    }

    [Fact]
    public void A_wake_token_for_a_server_not_auto_stopped_is_skipped()
    {
        var r = Run(AutoServer(StartedLongAgo, new() { [Annotations.Wake] = "w1" }), PowerState.Running, null);
        Assert.Equal(OneShotPhase.Skipped, r.Status.Wake!.Phase);
        Assert.Contains((false, EventReasons.WakeSkipped), EventsOf(r.Decision));
    }

    [Fact]
    public void An_invalid_wake_token_is_InvalidSpec_and_wakes_nothing()
    {
        var r = Run(AutoServer(AutoStopped, new() { [Annotations.Wake] = "-bad-" }), PowerState.Stopped, null);
        Assert.Null(r.Action);
        Assert.Equal(("False", Reasons.InvalidSpec), SyncedOf(r.Status));
    }

    [Fact]
    public void A_new_generation_wakes_it()
    {
        var r = Run(AutoServer(AutoStopped, generation: 2), PowerState.Stopped, null);
        Assert.Equal(ActionType.Start, r.Action);
    }

    [Fact]
    public void A_new_generation_wakes_it_even_when_observedGeneration_was_written_meanwhile()
    {
        // The namespace limit gate writes observedGeneration without deciding: the generation at the stop is kept apart.
        var server = AutoServer(AutoStopped with { StoppedGeneration = 1 }, generation: 2);
        server.Status = server.Status! with { ObservedGeneration = 2 };
        var r = Run(server, PowerState.Stopped, null);
        Assert.Equal(ActionType.Start, r.Action);
        Assert.Null(r.Status.AutoStop!.StoppedGeneration);
    }

    [Fact]
    public void A_confirmed_stop_records_the_generation_it_was_decided_at()
    {
        var r = Run(AutoServer(StartedLongAgo, generation: 3), PowerState.Running, IdleSince(T0.AddMinutes(-30)), ActivityRead.Count(0, "0 players"));
        Assert.Equal(3, r.Status.AutoStop!.StoppedGeneration);
    }

    [Fact]
    public void An_override_Running_coming_into_force_wakes_it()
    {
        var r = Run(AutoServer(AutoStopped), PowerState.Stopped, null, intent: Override(TargetPowerState.Running, Until));
        Assert.Equal(ActionType.Start, r.Action);
    }

    [Fact]
    public void A_schedule_Stopped_window_ends_the_auto_stop_and_the_next_Running_window_starts_it()
    {
        var stoppedWindow = Run(AutoServer(AutoStopped), PowerState.Stopped, null, intent: new Intent.Known(TargetPowerState.Stopped, "schedule"));
        Assert.Null(stoppedWindow.Status.AutoStop!.StoppedAt);
        var server = WithStatus(AutoServer(null), stoppedWindow.Status);
        var runningWindow = Run(server, PowerState.Stopped, null, intent: new Intent.Known(TargetPowerState.Running, "schedule"));
        Assert.Equal(ActionType.Start, runningWindow.Action);
    }

    [Fact]
    public void With_Observe_plannedAction_says_Stop_and_why_and_nothing_is_recorded()
    {
        var server = AutoServer(StartedLongAgo);
        server.Spec = server.Spec with { ManagementPolicy = ManagementPolicy.Observe };
        var r = Run(server, PowerState.Running, IdleSince(T0.AddMinutes(-45)));
        Assert.Null(r.Action);
        Assert.Equal("Stop", r.Status.PlannedAction!.Action);
        Assert.Contains("0 players", r.Status.PlannedAction.Reason, StringComparison.Ordinal);
        Assert.Null(r.Status.AutoStop!.StoppedAt);
    }

    [Fact]
    public void A_new_read_time_alone_does_not_change_the_status()
    {
        var busy = new ActivityState(3, ActivityRead.Count(3, "3 players"), T0.AddMinutes(-1), T0.AddMinutes(-1), null);
        var first = Run(AutoServer(StartedLongAgo), PowerState.Running, busy);
        var later = busy with { LastReadTime = T0, LastActiveTime = T0 };
        var second = Run(WithStatus(AutoServer(null), first.Status), PowerState.Running, later);
        Assert.Equal(first.Status.AutoStop, second.Status.AutoStop);
        var emptied = busy with { Players = 0, LastReadTime = T0, IdleSince = T0 };
        var third = Run(WithStatus(AutoServer(null), first.Status), PowerState.Running, emptied);
        Assert.Equal((0, T0), (third.Status.AutoStop!.Players, third.Status.AutoStop.LastReadTime));
    }

    [Fact]
    public void A_suspended_server_is_not_read()
    {
        var server = AutoServer(StartedLongAgo);
        server.Spec = server.Spec with { Suspend = true };
        Assert.False(ServerPowerDecider.ActivityRuns(new DecisionInput(server, Observed(PowerState.Running), T0, Settings)));
        Assert.True(ServerPowerDecider.ActivityRuns(new DecisionInput(AutoServer(StartedLongAgo), Observed(PowerState.Running), T0, Settings)));
        Assert.False(ServerPowerDecider.ActivityRuns(new DecisionInput(AutoServer(AutoStopped), Observed(PowerState.Stopped), T0, Settings)));
    }
}

/// <summary>A provider that cannot report state (HEO): the auto-stopped server's Ready says AutoStopped too.</summary>
public sealed class BlindAutoStopRuleTests
{
    [Fact]
    public void An_auto_stopped_blind_server_is_Ready_AutoStopped_once_its_stop_was_accepted()
    {
        var status = new ServerPowerStatus
        {
            ObservedGeneration = 1, LastAction = Accepted(ActionType.Stop, T0.AddMinutes(-5)),
            AutoStop = new AutoStopStatus { StoppedAt = T0.AddMinutes(-5), Reason = AutoStopReason.MaxRuntime },
        };
        var server = Server(DesiredPowerState.Running, status, s => s with { AutoStop = new AutoStopSpec { MaxRuntime = "1h" } });
        var r = Checked(Decide(server, Blind()));
        Assert.Null(r.Action);
        Assert.Equal(("True", Reasons.AutoStopped), ReadyOf(r.Status));
    }
}
