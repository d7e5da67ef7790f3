using ServerPower.Api.Resources;
using ServerPower.Api.Vocabulary;
using ServerPower.Operator.AutoStop;
using ServerPower.Operator.Decision;
using ServerPower.Providers.Activity;
using static ServerPower.Operator.Tests.Decision.Cases;
using static ServerPower.Operator.Tests.Decision.DecisionChecks;

namespace ServerPower.Operator.Tests.Decision;

/// <summary>spec.stop.warning: sent before a decided stop, the stop waits warning.before; skipped without a console; never before an idle stop.</summary>
public sealed class StopWarningDecisionTests
{
    private static readonly Providers.Contract.ProviderCapabilities Console = Wings with { HasConsole = true };

    private static ServerPowerResource Warned(DesiredPowerState state, ServerPowerStatus status, AutoStopSpec? autoStop = null) =>
        Server(state, status, s => s with { Stop = new StopSpec { Warning = new StopWarningSpec { Before = "5m", Command = "say bye" } }, AutoStop = autoStop });

    private static (string, string, string) ReadyMessage(ServerPowerDecisionResult r) => (Ready(r.Status).Status, Ready(r.Status).Reason, Ready(r.Status).Message);

    private static ServerPowerDecisionResult Run(ServerPowerResource server, PowerState power, Providers.Contract.ProviderCapabilities caps, AutoStopView? view = null)
    {
        var input = new DecisionInput(server, Observed(power, caps), T0, Settings, AutoStop: view);
        return Checked(new ServerPowerDecisionResult(input, ServerPowerDecider.Decide(input)));
    }

    [Fact]
    public void A_declared_stop_first_sends_the_warning_and_records_it()
    {
        var r = Run(Warned(DesiredPowerState.Stopped, new ServerPowerStatus { ObservedGeneration = 1 }), PowerState.Running, Console);
        var warn = Assert.IsType<ServerPower.Operator.Decision.Decision.Warn>(r.Decision);
        Assert.Equal(("say bye", TimeSpan.FromMinutes(5)), (warn.Command, warn.Before));
        Assert.Equal((T0, "sending"), (r.Status.StopWarning!.SentAt, r.Status.StopWarning.Message));
        Assert.Contains((false, EventReasons.StopWarningSent), EventsOf(r.Decision));
        Assert.Equal(("False", Reasons.ActionPending, "stop warning sent at 2026-11-22T10:00:00Z; stopping at 2026-11-22T10:05:01Z"), ReadyMessage(r));
    }

    [Fact]
    public void Within_warning_before_the_stop_waits_and_nothing_is_sent_again()
    {
        var status = new ServerPowerStatus { ObservedGeneration = 1, StopWarning = new StopWarningStatus { SentAt = T0.AddMinutes(-2) } };
        var r = Run(Warned(DesiredPowerState.Stopped, status), PowerState.Running, Console);
        Assert.IsType<ServerPower.Operator.Decision.Decision.Wait>(r.Decision);
        Assert.Equal(TimeSpan.FromMinutes(3) + TimeSpan.FromSeconds(1), r.Decision.RequeueAfter);
        Assert.Equal(("False", Reasons.ActionPending, "stop warning sent at 2026-11-22T09:58:00Z; stopping at 2026-11-22T10:03:01Z"), ReadyMessage(r));
    }

    [Fact]
    public void A_warning_recorded_exactly_before_ago_still_waits_as_it_went_out_during_that_second()
    {
        var status = new ServerPowerStatus { ObservedGeneration = 1, StopWarning = new StopWarningStatus { SentAt = T0.AddMinutes(-5) } };
        var r = Run(Warned(DesiredPowerState.Stopped, status), PowerState.Running, Console);
        Assert.Null(r.Action);
        Assert.Contains("stopping at 2026-11-22T10:00:01Z", Ready(r.Status).Message, StringComparison.Ordinal);
        // One second is left, less than MinPoll: it comes back at MinPoll.
        Assert.Equal(Settings.MinPoll, r.Decision.RequeueAfter);
    }

    /// <summary>
    /// Started, then declared Stopped within the same second: the warning recorded in that second is this stop's (a stop
    /// follows its own warning by a whole second at least, so a same-second action can only be an earlier one). It is
    /// not sent a second time.
    /// </summary>
    [Fact]
    public void A_warning_recorded_in_the_same_second_as_the_last_action_is_not_sent_again()
    {
        var status = new ServerPowerStatus
        {
            ObservedGeneration = 1, LastAction = Accepted(ActionType.Start, T0.AddMinutes(-2)), StopWarning = new StopWarningStatus { SentAt = T0.AddMinutes(-2) },
        };
        var r = Run(Warned(DesiredPowerState.Stopped, status), PowerState.Running, Console);
        Assert.IsType<ServerPower.Operator.Decision.Decision.Wait>(r.Decision);
        Assert.Equal(T0.AddMinutes(-2), r.Status.StopWarning!.SentAt);
        Assert.DoesNotContain((false, EventReasons.StopWarningSent), EventsOf(r.Decision));
    }

    [Fact]
    public void An_invalid_warning_is_InvalidSpec_and_the_server_is_stopped_without_one()
    {
        var server = Server(DesiredPowerState.Stopped, new ServerPowerStatus { ObservedGeneration = 1 },
            s => s with { Stop = new StopSpec { Warning = new StopWarningSpec { Before = "soon", Command = "say bye" } } });
        var r = Run(server, PowerState.Running, Console);
        Assert.Equal(ActionType.Stop, r.Action);
        Assert.Null(r.Status.StopWarning);
        var (status, reason, message) = (Synced(r.Status)?.Status, Synced(r.Status)?.Reason, Synced(r.Status)?.Message);
        Assert.Equal(("False", Reasons.InvalidSpec), (status, reason));
        Assert.EndsWith("; the server is stopped without a warning", message, StringComparison.Ordinal);
        Assert.Contains(r.Decision.Events, e => e.Warning && e.Reason == Reasons.InvalidSpec && message!.StartsWith(e.Message, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(-5, null)]
    [InlineData(-1, true)]
    public void After_warning_before_or_a_failed_warning_the_stop_is_sent(int sentMinutesAgo, bool? failed)
    {
        var status = new ServerPowerStatus { ObservedGeneration = 1, StopWarning = new StopWarningStatus { SentAt = T0.AddMinutes(sentMinutesAgo).AddSeconds(-1), Failed = failed } };
        var r = Run(Warned(DesiredPowerState.Stopped, status), PowerState.Running, Console);
        Assert.Equal(ActionType.Stop, r.Action);
    }

    [Fact]
    public void A_warning_sent_before_the_last_action_belongs_to_an_earlier_stop()
    {
        var status = new ServerPowerStatus
        {
            ObservedGeneration = 1, StopWarning = new StopWarningStatus { SentAt = T0.AddHours(-2) }, LastAction = Accepted(ActionType.Start, T0.AddHours(-1)) with { SettledTime = T0.AddHours(-1) },
        };
        var r = Run(Warned(DesiredPowerState.Stopped, status), PowerState.Running, Console);
        Assert.IsType<ServerPower.Operator.Decision.Decision.Warn>(r.Decision);
    }

    [Fact]
    public void Without_a_console_the_warning_is_skipped_with_an_event_and_the_stop_goes_on()
    {
        var r = Run(Warned(DesiredPowerState.Stopped, new ServerPowerStatus { ObservedGeneration = 1 }), PowerState.Running, Wenium);
        Assert.Equal(ActionType.Stop, r.Action);
        Assert.Contains((false, EventReasons.StopWarningSkipped), EventsOf(r.Decision));
    }

    [Fact]
    public void A_provider_that_cannot_report_state_skips_the_warning_with_an_event_once_and_stops()
    {
        var server = Warned(DesiredPowerState.Stopped, new ServerPowerStatus { ObservedGeneration = 1 });
        var input = new DecisionInput(server, Blind(TimeSpan.FromMinutes(1)), T0, Settings);
        var r = Checked(new ServerPowerDecisionResult(input, ServerPowerDecider.Decide(input)));
        Assert.Equal(ActionType.Stop, r.Action);
        Assert.Contains((false, EventReasons.StopWarningSkipped), EventsOf(r.Decision));

        // The stop reasserted after reassertInterval is the same stop: no second warning (nor event).
        var stopped = new ServerPowerStatus
        {
            ObservedGeneration = 1,
            LastAction = new LastAction { Type = ActionType.Stop, RequestTime = T0.AddMinutes(-2), Result = ActionResult.Accepted },
        };
        input = new DecisionInput(Warned(DesiredPowerState.Stopped, stopped), Blind(TimeSpan.FromMinutes(1)), T0, Settings);
        var again = Checked(new ServerPowerDecisionResult(input, ServerPowerDecider.Decide(input)));
        Assert.Equal(ActionType.Stop, again.Action);
        Assert.DoesNotContain((false, EventReasons.StopWarningSkipped), EventsOf(again.Decision));
    }

    [Fact]
    public void Declared_Running_again_drops_the_warning()
    {
        var status = new ServerPowerStatus { ObservedGeneration = 1, StopWarning = new StopWarningStatus { SentAt = T0.AddMinutes(-2) } };
        var r = Run(Warned(DesiredPowerState.Running, status), PowerState.Running, Console);
        Assert.Null(r.Status.StopWarning);
    }

    private static readonly AutoStopSpec AutoStop = new()
    {
        IdleAfter = "30m", MaxRuntime = "12h", Activity = new() { Minecraft = new ActivityEndpoint { Host = "mc.example.com", Port = 25565 } },
    };

    [Fact]
    public void A_maxRuntime_stop_is_warned_and_recorded_as_auto_stopped()
    {
        var status = new ServerPowerStatus { ObservedGeneration = 1, AutoStop = new AutoStopStatus { StartedAt = T0.AddHours(-12) } };
        var r = Run(Warned(DesiredPowerState.Running, status, AutoStop), PowerState.Running, Console, new AutoStopView(null));
        Assert.IsType<ServerPower.Operator.Decision.Decision.Warn>(r.Decision);
        Assert.Equal(AutoStopReason.MaxRuntime, r.Status.AutoStop!.Reason);
    }

    [Fact]
    public void An_idle_auto_stopped_server_started_again_is_stopped_without_a_warning()
    {
        var status = new ServerPowerStatus { ObservedGeneration = 1, AutoStop = new AutoStopStatus { StoppedAt = T0.AddHours(-1), Reason = AutoStopReason.Idle } };
        var r = Run(Warned(DesiredPowerState.Running, status, AutoStop), PowerState.Running, Console, new AutoStopView(null));
        Assert.Equal(ActionType.Stop, r.Action);
        Assert.Null(r.Status.StopWarning);
    }

    [Fact]
    public void An_idle_stop_is_never_warned()
    {
        var status = new ServerPowerStatus { ObservedGeneration = 1, AutoStop = new AutoStopStatus { StartedAt = T0.AddHours(-2) } };
        var idle = new ActivityState(0, ActivityRead.Count(0, "0"), T0, null, T0.AddMinutes(-31));
        var r = Run(Warned(DesiredPowerState.Running, status, AutoStop), PowerState.Running, Console, new AutoStopView(idle, Confirmation: ActivityRead.Count(0, "0")));
        Assert.Equal(ActionType.Stop, r.Action);
        Assert.Null(r.Status.StopWarning);
    }
}
