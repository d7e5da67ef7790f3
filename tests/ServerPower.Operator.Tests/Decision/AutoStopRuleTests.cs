using ServerPower.Api.Resources;
using ServerPower.Api.Vocabulary;
using ServerPower.Operator.AutoStop;
using ServerPower.Operator.Decision;
using ServerPower.Operator.Tests.Tables;
using ServerPower.Providers.Activity;
using static ServerPower.Operator.Tests.Decision.Cases;
using static ServerPower.Operator.Tests.Decision.DecisionChecks;
using static ServerPower.Operator.Tests.Decision.DecisionMessages;

namespace ServerPower.Operator.Tests.Decision;

/// <summary>
/// spec.autoStop: an idle stop (confirmed by one more read), a maxRuntime stop, the auto-stopped server staying stopped
/// until woken (on a provider that cannot report state too), and the status writes a steady server does not cost. The
/// decisions are one table; whether activity is read at all (<see cref="ServerPowerDecider.ActivityRuns"/>) is a second.
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

    private static ServerPowerResource MaxRuntimeOnly(AutoStopStatus? autoStop, DesiredPowerState state = DesiredPowerState.Running) =>
        Server(state, new ServerPowerStatus { ObservedGeneration = 1, AutoStop = autoStop }, s => s with { AutoStop = new AutoStopSpec { MaxRuntime = "12h" } });

    private static ServerPowerDecisionResult RunOn(ServerPowerResource server, ProviderView view, AutoStopView? autoStop = null)
    {
        var input = new DecisionInput(server, view, T0, Settings, AutoStop: autoStop);
        return Checked(new ServerPowerDecisionResult(input, ServerPowerDecider.Decide(input)));
    }

    private static ServerPowerResource Observing(ServerPowerResource server)
    {
        server.Spec = server.Spec with { ManagementPolicy = ManagementPolicy.Observe };
        return server;
    }

    private const string WakeHint = "it stays stopped until woken: kubectl power wake mc (or a new power.serverops.io/wake annotation token), "
        + "a spec change, an override Running, or the schedule's next Running window";

    private static ActivityState IdleSince(DateTimeOffset since) => new(0, ActivityRead.Count(0, "0 players"), T0, null, since);

    private static ServerPowerDecisionResult Run(ServerPowerResource server, PowerState power, ActivityState? activity, ActivityRead? confirmation = null, Intent? intent = null)
    {
        var input = new DecisionInput(server, Observed(power), T0, Settings, Intent: intent, AutoStop: new AutoStopView(activity, Confirmation: confirmation));
        return Checked(new ServerPowerDecisionResult(input, ServerPowerDecider.Decide(input)));
    }

    private static readonly AutoStopStatus StartedLongAgo = new() { StartedAt = T0.AddHours(-2) };

    private static readonly AutoStopStatus AutoStopped = new() { StoppedAt = T0.AddHours(-1), Reason = AutoStopReason.Idle };

    public static IEnumerable<TheoryDataRow<Row<ServerPowerDecisionResult>>> Rows => Table.Of<ServerPowerDecisionResult>(
    [
        new("An idle stop first asks for a confirmation read and records nothing yet",
            () => Run(AutoServer(StartedLongAgo), PowerState.Running, IdleSince(T0.AddMinutes(-30))),
            r => Assert.Equal(new PlannedAction(ActionType.Stop, null, AutoStopReason.Idle), r.Decision.Action)),
        new("A confirmed idle stop records when and why and declares Stopped",
            () => Run(AutoServer(StartedLongAgo), PowerState.Running, IdleSince(T0.AddMinutes(-30)), ActivityRead.Count(0, "0 players")),
            r =>
            {
                Assert.Equal(ActionType.Stop, r.Action);
                Assert.Equal((T0, AutoStopReason.Idle), (r.Status.AutoStop!.StoppedAt, r.Status.AutoStop.Reason));
                Assert.Equal(TargetPowerState.Stopped, r.Status.DesiredState);
                Assert.Contains((false, Reasons.AutoStopped), EventsOf(r.Decision));
                Assert.Equal(("False", Reasons.ActionPending,
                    "sending Stop: auto-stop (Idle): every read since 2026-11-22T09:30:00Z saw 0 players, spec.autoStop.idleAfter is 30m"), ReadyMessageOf(r.Status));
            }),
        .. from players in new int?[] { 1, null }
           select new Row<ServerPowerDecisionResult>($"A confirmation read that is not a successful 0 cancels the idle stop: {(players is null ? "no answer" : $"{players} player")}",
               () =>
               {
                   var read = players is { } n ? ActivityRead.Count(n, "1 player") : ActivityRead.Unknown(ActivityOutcome.TimedOut, "no answer");
                   return Run(AutoServer(StartedLongAgo), PowerState.Running, IdleSince(T0.AddMinutes(-30)), read);
               },
               r =>
               {
                   Assert.Null(r.Action);
                   Assert.Null(r.Status.AutoStop!.StoppedAt);
                   var saw = players is null ? "an unknown count (TimedOut: no answer)" : "1 players";
                   Assert.Equal([(false, EventReasons.IdleStopCancelled, $"an idle stop was due, but the read right before it saw {saw}: not stopped")], EventMessagesOf(r));
               }),
        new("Before idleAfter has passed nothing is sent and the server comes back at the deadline",
            () => Run(AutoServer(StartedLongAgo), PowerState.Running, IdleSince(T0.AddMinutes(-29))),
            r =>
            {
                Assert.Null(r.Action);
                Assert.Equal(TimeSpan.FromMinutes(1), r.Decision.RequeueAfter);
            }),
        new("Within startupGrace there is no idle stop and the grace end is the deadline",
            () => Run(AutoServer(new AutoStopStatus { StartedAt = T0.AddMinutes(-28) }), PowerState.Running, IdleSince(T0.AddMinutes(-40))),
            r =>
            {
                Assert.Null(r.Action);
                Assert.Equal(TimeSpan.FromMinutes(2), r.Decision.RequeueAfter);
            }),
        new("Unknown reads are never idle",
            () => Run(AutoServer(StartedLongAgo), PowerState.Running, new ActivityState(null, ActivityRead.Unknown(ActivityOutcome.Refused, "refused"), T0, null, null)),
            r =>
            {
                Assert.Null(r.Action);
                Assert.Null(r.Status.AutoStop!.Players);
            }),
        new("MaxRuntime stops a server with players without a confirmation read",
            () => Run(AutoServer(new AutoStopStatus { StartedAt = T0.AddHours(-12) }), PowerState.Running, new ActivityState(5, ActivityRead.Count(5, "5 players"), T0, T0, null)),
            r =>
            {
                Assert.Equal(new PlannedAction(ActionType.Stop, null, AutoStopReason.MaxRuntime), r.Decision.Action);
                Assert.Equal(AutoStopReason.MaxRuntime, r.Status.AutoStop!.Reason);
                Assert.Contains((false, Reasons.AutoStopped,
                    "auto-stop (MaxRuntime): it has run since 2026-11-21T22:00:00Z, spec.autoStop.maxRuntime is 12h; stopping the server"), EventMessagesOf(r));
            }),
        new("The idle stop is due at exactly startupGrace after the start",
            () => Run(AutoServer(new AutoStopStatus { StartedAt = T0.AddMinutes(-30) }), PowerState.Running, IdleSince(T0.AddMinutes(-30))),
            r => Assert.Equal(new PlannedAction(ActionType.Stop, null, AutoStopReason.Idle), r.Decision.Action)),
        new("An activity endpoint the operator may not reach is Synced EndpointNotAllowed and stops nothing for idleness",
            () => RunOn(AutoServer(StartedLongAgo), Observed(PowerState.Running),
                new AutoStopView(IdleSince(T0.AddMinutes(-45)), NotAllowed: "mc.example.com is outside the allowed networks", Confirmation: ActivityRead.Count(0, "0 players"))),
            r =>
            {
                Assert.Null(r.Action);
                Assert.Null(r.Status.AutoStop!.StoppedAt);
                Assert.Equal(("False", Reasons.EndpointNotAllowed, "spec.autoStop.activity: mc.example.com is outside the allowed networks"), SyncedMessageOf(r.Status));
            }),
        new("With maxRuntime alone there is no activity endpoint to refuse",
            () => RunOn(MaxRuntimeOnly(new AutoStopStatus { StartedAt = T0.AddHours(-1) }), Observed(PowerState.Running),
                new AutoStopView(null, NotAllowed: "mc.example.com is outside the allowed networks")),
            r =>
            {
                Assert.Null(r.Action);
                Assert.NotEqual(Reasons.EndpointNotAllowed, Synced(r.Status)?.Reason);
            }),
        new("A provider that cannot stop is never auto-stopped",
            () => RunOn(MaxRuntimeOnly(new AutoStopStatus { StartedAt = T0.AddHours(-13) }), Observed(PowerState.Running, NoStop)),
            r =>
            {
                Assert.Null(r.Action);
                Assert.Null(r.Status.AutoStop!.StoppedAt);
                Assert.NotEqual(TargetPowerState.Stopped, r.Status.DesiredState);
            }),
        new("A server declared Stopped is stopped as declared, not auto-stopped",
            () => RunOn(MaxRuntimeOnly(new AutoStopStatus { StartedAt = T0.AddHours(-13) }, DesiredPowerState.Stopped), Observed(PowerState.Running)),
            r =>
            {
                Assert.Equal(ActionType.Stop, r.Action);
                Assert.Equal((null, null), (r.Status.AutoStop!.StoppedAt, r.Status.AutoStop.Reason));
            }),
        new("A server seen Starting is not auto-stopped: only a running one is",
            () => RunOn(MaxRuntimeOnly(new AutoStopStatus { StartedAt = T0.AddHours(-13) }), Observed(PowerState.Starting)),
            r =>
            {
                Assert.NotEqual(ActionType.Stop, r.Action);
                Assert.Equal((T0.AddHours(-13), (DateTimeOffset?)null), (r.Status.AutoStop!.StartedAt, r.Status.AutoStop.StoppedAt));
            }),
        new("A provider that cannot report state is auto-stopped maxRuntime after its accepted start",
            () => RunOn(Server(DesiredPowerState.Running, new ServerPowerStatus { ObservedGeneration = 1, LastAction = Accepted(ActionType.Start, T0.AddHours(-13)) },
                s => s with { AutoStop = new AutoStopSpec { MaxRuntime = "12h" } }), Blind()),
            r =>
            {
                Assert.Equal(new PlannedAction(ActionType.Stop, null, AutoStopReason.MaxRuntime), r.Decision.Action);
                Assert.Equal((T0.AddHours(-13), T0), (r.Status.AutoStop!.StartedAt, r.Status.AutoStop.StoppedAt));
            }),
        new("An accepted restart after the start moves startedAt to the restart",
            () => RunOn(WithStatus(MaxRuntimeOnly(null), new ServerPowerStatus
                {
                    ObservedGeneration = 1, AutoStop = new AutoStopStatus { StartedAt = T0.AddHours(-11) }, LastAction = Accepted(ActionType.Restart, T0.AddMinutes(-10)),
                }), Observed(PowerState.Running)),
            r =>
            {
                Assert.Null(r.Action);
                Assert.Equal(T0.AddMinutes(-10), r.Status.AutoStop!.StartedAt);
            }),
        new("A restart accepted before the recorded start does not move startedAt",
            () => RunOn(WithStatus(MaxRuntimeOnly(null), new ServerPowerStatus
                {
                    ObservedGeneration = 1, AutoStop = new AutoStopStatus { StartedAt = T0.AddHours(-1) }, LastAction = Accepted(ActionType.Restart, T0.AddHours(-2)),
                }), Observed(PowerState.Running)),
            r => Assert.Equal(T0.AddHours(-1), r.Status.AutoStop!.StartedAt)),
        // status.autoStop.startedAt on a provider that cannot report state: only accepted actions say when it started.
        new("A provider that cannot report state keeps startedAt at the first accepted start when a start is reasserted",
            () => RunOn(Server(DesiredPowerState.Running, new ServerPowerStatus
                {
                    ObservedGeneration = 1, AutoStop = new AutoStopStatus { StartedAt = T0.AddHours(-13) }, LastAction = Accepted(ActionType.Start, T0.AddHours(-1)),
                }, s => s with { AutoStop = new AutoStopSpec { MaxRuntime = "12h" } }), Blind()),
            r =>
            {
                Assert.Equal(T0.AddHours(-13), r.Status.AutoStop!.StartedAt);
                Assert.Equal(new PlannedAction(ActionType.Stop, null, AutoStopReason.MaxRuntime), r.Decision.Action);
            }),
        new("A provider that cannot report state moves startedAt to a restart accepted after the start",
            () => RunOn(Server(DesiredPowerState.Running, new ServerPowerStatus
                {
                    ObservedGeneration = 1, AutoStop = new AutoStopStatus { StartedAt = T0.AddHours(-11) }, LastAction = Accepted(ActionType.Restart, T0.AddMinutes(-10)),
                }, s => s with { AutoStop = new AutoStopSpec { MaxRuntime = "12h" } }), Blind()),
            r => Assert.Equal(T0.AddMinutes(-10), r.Status.AutoStop!.StartedAt)),
        new("A provider that cannot report state keeps startedAt when the last restart failed",
            () => RunOn(Server(DesiredPowerState.Running, new ServerPowerStatus
                {
                    ObservedGeneration = 1, AutoStop = new AutoStopStatus { StartedAt = T0.AddHours(-2) },
                    LastAction = Accepted(ActionType.Restart, T0.AddMinutes(-10)) with { Result = ActionResult.Failed },
                }, s => s with { AutoStop = new AutoStopSpec { MaxRuntime = "12h" } }), Blind()),
            r => Assert.Equal(T0.AddHours(-2), r.Status.AutoStop!.StartedAt)),
        new("An invalid spec.autoStop is Synced False InvalidSpec with a warning and stops nothing",
            () => RunOn(Server(DesiredPowerState.Running, new ServerPowerStatus { ObservedGeneration = 1, AutoStop = StartedLongAgo },
                s => s with { AutoStop = Idle30m with { IdleAfter = "9s" } }), Observed(PowerState.Running),
                new AutoStopView(IdleSince(T0.AddHours(-1)), Confirmation: ActivityRead.Count(0, "0 players"))),
            r =>
            {
                Assert.Null(r.Action);
                Assert.Null(r.Status.AutoStop!.StoppedAt);
                Assert.Equal(("False", Reasons.InvalidSpec, "spec.autoStop.idleAfter \"9s\" must be at least 10s"), SyncedMessageOf(r.Status));
                Assert.Equal([(true, Reasons.InvalidSpec, "spec.autoStop.idleAfter \"9s\" must be at least 10s")], EventMessagesOf(r));
            }),
        // maxRuntime ends in 1 s, idleAfter in 1 m.
        new("A deadline nearer than MinPoll is polled for at MinPoll, even with a later one ahead",
            () => Run(AutoServer(new AutoStopStatus { StartedAt = T0.AddHours(-12).AddSeconds(1) }), PowerState.Running, IdleSince(T0.AddMinutes(-29))),
            r =>
            {
                Assert.Null(r.Action);
                Assert.Equal(Settings.MinPoll, r.Decision.RequeueAfter);
            }),
        new("The nearest of the idle and maxRuntime deadlines is the one waited for",
            () => Run(AutoServer(new AutoStopStatus { StartedAt = T0.AddHours(-12).AddMinutes(3) }), PowerState.Running, IdleSince(T0.AddMinutes(-29))),
            r => Assert.Equal(TimeSpan.FromMinutes(1), r.Decision.RequeueAfter)),
        new("A deadline already reached with Observe adds no poll: the plan is shown and the wait is the usual one",
            () => Run(Observing(AutoServer(new AutoStopStatus { StartedAt = T0.AddHours(-12) })), PowerState.Running, Busy3),
            r =>
            {
                Assert.Equal("Stop", r.Status.PlannedAction!.Action);
                Assert.Equal(Settings.ResyncPeriod, r.Decision.RequeueAfter);
            }),
        new("A wait of its own shorter than the next deadline is kept",
            () => RunOn(MaxRuntimeOnly(new AutoStopStatus { StartedAt = T0.AddHours(-12).AddMinutes(4) }), Observed(PowerState.Starting)),
            r =>
            {
                var without = RunOn(Server(DesiredPowerState.Running), Observed(PowerState.Starting));
                Assert.True(without.Decision.RequeueAfter < TimeSpan.FromMinutes(4), $"the wait without autoStop is {without.Decision.RequeueAfter}");
                Assert.Equal(without.Decision.RequeueAfter, r.Decision.RequeueAfter);
            }),
        // An auto-stop is a stop like any other for spec.startAfter (found by the decision's generated histories): it
        // does not go while a server that lists this one is being stopped and still runs, and waits the stop-order
        // window for one still declared Running (then stops anyway, with an event).
        new("An auto-stop waits for a dependent being stopped",
            () =>
            {
                var input = new DecisionInput(AutoServer(new AutoStopStatus { StartedAt = T0.AddHours(-12) }), Observed(PowerState.Running), T0, Settings,
                    Dependencies: new DependencyView([], ["web"]), AutoStop: new AutoStopView(IdleSince(T0.AddHours(-1))));
                return Checked(new ServerPowerDecisionResult(input, ServerPowerDecider.Decide(input)));
            },
            r =>
            {
                Assert.Null(r.Action);
                Assert.Null(r.Status.AutoStop!.StoppedAt);
                Assert.Equal(Reasons.WaitingForDependencies, ReadyMessageOf(r.Status).Reason);
            }),
        new("An auto-stop waits the stop-order window for a dependent still declared Running, then stops",
            () =>
            {
                var input = new DecisionInput(AutoServer(new AutoStopStatus { StartedAt = T0.AddHours(-12) }), Observed(PowerState.Running), T0, Settings,
                    Dependencies: new DependencyView([], [], RunningDependents: ["web"]), AutoStop: new AutoStopView(IdleSince(T0.AddHours(-1))));
                return Checked(new ServerPowerDecisionResult(input, ServerPowerDecider.Decide(input)));
            },
            held =>
            {
                Assert.Null(held.Action);
                Assert.Equal(T0, held.Status.StopHeldSince);
                var later = held.Input with { Server = WithStatus(held.Input.Server, held.Status), Now = T0 + Settings.StopOrderWindow };
                var stopped = Checked(new ServerPowerDecisionResult(later, ServerPowerDecider.Decide(later)));
                Assert.Equal(new PlannedAction(ActionType.Stop, null, AutoStopReason.MaxRuntime), stopped.Decision.Action);
                Assert.Contains(EventMessagesOf(stopped), e => e.Warning && e.Reason == Reasons.WaitingForDependencies);
            }),
        new("A server first seen Running starts counting then and is stopped at stopped",
            () => Run(AutoServer(null), PowerState.Running, null),
            running =>
            {
                Assert.Equal(T0, running.Status.AutoStop!.StartedAt);
                var stopped = Run(AutoServer(running.Status.AutoStop), PowerState.Stopped, null, intent: new Intent.Known(TargetPowerState.Stopped, "spec.state"));
                Assert.Null(stopped.Status.AutoStop!.StartedAt);
            }),
        new("An auto-stopped server stays stopped and Ready says why, when and how to wake it",
            () => Run(AutoServer(AutoStopped), PowerState.Stopped, null),
            r =>
            {
                Assert.Null(r.Action);
                Assert.Equal(TargetPowerState.Stopped, r.Status.DesiredState);
                var ready = Ready(r.Status);
                Assert.Equal(("True", Reasons.AutoStopped), (ready.Status, ready.Reason));
                Assert.Equal($"auto-stopped at 2026-11-22T09:00:00Z: nobody played for spec.autoStop.idleAfter; {WakeHint}", ready.Message);
                // Deciding again on its own output changes nothing: no write per pass.
                var again = Run(WithStatus(AutoServer(AutoStopped), r.Status), PowerState.Stopped, null);
                Assert.Equal(r.Status.AutoStop, again.Status.AutoStop);
            }),
        new("An auto-stopped server started outside the operator is stopped again",
            () => Run(AutoServer(AutoStopped), PowerState.Running, null),
            r => Assert.Equal(ActionType.Stop, r.Action)),
        new("A new wake token starts it once and is recorded like a restart token",
            () => Run(AutoServer(AutoStopped, new() { [Annotations.Wake] = "w1" }), PowerState.Stopped, null),
            r =>
            {
                Assert.Equal(ActionType.Start, r.Action);
                Assert.Null(r.Status.AutoStop!.StoppedAt);
                Assert.Equal(("w1", OneShotPhase.Done, "woke the auto-stopped server"), (r.Status.Wake!.Token, r.Status.Wake.Phase, r.Status.Wake.Message));
                Assert.Contains((false, EventReasons.Woken), EventsOf(r.Decision));
            }),
        new("A wake token for a server not auto-stopped is skipped",
            () => Run(AutoServer(StartedLongAgo, new() { [Annotations.Wake] = "w1" }), PowerState.Running, null),
            r =>
            {
                Assert.Equal((OneShotPhase.Skipped, "the server was not auto-stopped: nothing to wake"), (r.Status.Wake!.Phase, r.Status.Wake.Message));
                Assert.Contains((false, EventReasons.WakeSkipped, "wake token \"w1\": the server was not auto-stopped: nothing to wake"), EventMessagesOf(r));
            }),
        // Deletion does not wake: the token is recorded as handled, not as having woken the server.
        new("A wake token for an auto-stopped server being deleted wakes nothing",
            () => Run(Deleting(AutoServer(AutoStopped, new() { [Annotations.Wake] = "w1" })), PowerState.Stopped, null),
            r =>
            {
                Assert.NotEqual(ActionType.Start, r.Action);
                Assert.Equal(("w1", OneShotPhase.Skipped), (r.Status.Wake!.Token, r.Status.Wake.Phase));
                Assert.Contains((false, EventReasons.WakeSkipped), EventsOf(r.Decision));
            }),
        new("A wake token handled before is not handled again",
            () =>
            {
                var server = AutoServer(AutoStopped, new() { [Annotations.Wake] = "w1" });
                var wake = new OneShotStatus { Token = "w2", Phase = OneShotPhase.Done, Message = "woke the auto-stopped server", Handled = [new HandledToken { Token = "w2", Time = T0.AddHours(-2) }, new HandledToken { Token = "w1", Time = T0.AddHours(-3) }] };
                return Run(WithStatus(server, server.Status! with { Wake = wake }), PowerState.Stopped, null);
            },
            r =>
            {
                Assert.Null(r.Action);
                Assert.Equal(T0.AddHours(-1), r.Status.AutoStop!.StoppedAt);
                Assert.Equal("w2", r.Status.Wake!.Token);
                Assert.Equal(("True", Reasons.AutoStopped), ReadyOf(r.Status));
            }),
        new("An invalid wake token is InvalidSpec and wakes nothing",
            () => Run(AutoServer(AutoStopped, new() { [Annotations.Wake] = "-bad-" }), PowerState.Stopped, null),
            r =>
            {
                Assert.Null(r.Action);
                Assert.Equal(("False", Reasons.InvalidSpec), SyncedOf(r.Status));
                Assert.Contains((true, Reasons.InvalidSpec), EventsOf(r.Decision));
            }),
        new("A wake token after an earlier wake starts it again and joins the handled tokens",
            () =>
            {
                var server = AutoServer(AutoStopped, new() { [Annotations.Wake] = "w3" });
                var earlier = new OneShotStatus { Token = "w2", Phase = OneShotPhase.Done, Message = "woke the auto-stopped server", Handled = [new HandledToken { Token = "w2", Time = T0.AddHours(-2) }] };
                return Run(WithStatus(server, server.Status! with { Wake = earlier }), PowerState.Stopped, null);
            },
            r =>
            {
                Assert.Equal(ActionType.Start, r.Action);
                Assert.Equal(("w3", OneShotPhase.Done), (r.Status.Wake!.Token, r.Status.Wake.Phase));
                Assert.Equal(["w3", "w2"], r.Status.Wake.Handled!.Select(h => h.Token));
            }),
        // An override Running in force before the auto-stop is not one coming into force: it does not wake the server.
        new("An override Running already in force when it was auto-stopped does not wake it",
            () =>
            {
                var server = AutoServer(AutoStopped);
                var inForce = server.Status! with { Override = new OverrideStatus { State = TargetPowerState.Running, Until = Until, Active = true } };
                return Run(WithStatus(server, inForce), PowerState.Stopped, null, intent: Override(TargetPowerState.Running, Until));
            },
            r =>
            {
                Assert.Null(r.Action);
                Assert.Equal(T0.AddHours(-1), r.Status.AutoStop!.StoppedAt);
                Assert.Equal(("True", Reasons.AutoStopped), ReadyOf(r.Status));
            }),
        new("An override Running whose end changes wakes it",
            () =>
            {
                var server = AutoServer(AutoStopped);
                var inForce = server.Status! with { Override = new OverrideStatus { State = TargetPowerState.Running, Until = Until.AddHours(-1), Active = true } };
                return Run(WithStatus(server, inForce), PowerState.Stopped, null, intent: Override(TargetPowerState.Running, Until));
            },
            r =>
            {
                Assert.Equal(ActionType.Start, r.Action);
                Assert.Contains((false, EventReasons.Woken, "auto-stopped at 2026-11-22T09:00:00Z; woken by an override Running coming into force"), EventMessagesOf(r));
            }),
        new("A new generation wakes it",
            () => Run(AutoServer(AutoStopped, generation: 2), PowerState.Stopped, null),
            r => Assert.Equal(ActionType.Start, r.Action)),
        // The namespace limit gate writes observedGeneration without deciding: the generation at the stop is kept apart.
        new("A new generation wakes it even when observedGeneration was written meanwhile",
            () =>
            {
                var server = AutoServer(AutoStopped with { StoppedGeneration = 1 }, generation: 2);
                server.Status = server.Status! with { ObservedGeneration = 2 };
                return Run(server, PowerState.Stopped, null);
            },
            r =>
            {
                Assert.Equal(ActionType.Start, r.Action);
                Assert.Null(r.Status.AutoStop!.StoppedGeneration);
            }),
        new("A confirmed stop records the generation it was decided at",
            () => Run(AutoServer(StartedLongAgo, generation: 3), PowerState.Running, IdleSince(T0.AddMinutes(-30)), ActivityRead.Count(0, "0 players")),
            r => Assert.Equal(3, r.Status.AutoStop!.StoppedGeneration)),
        new("An override Running coming into force wakes it",
            () => Run(AutoServer(AutoStopped), PowerState.Stopped, null, intent: Override(TargetPowerState.Running, Until)),
            r => Assert.Equal(ActionType.Start, r.Action)),
        new("A schedule Stopped window ends the auto-stop and the next Running window starts it",
            () => Run(AutoServer(AutoStopped), PowerState.Stopped, null, intent: new Intent.Known(TargetPowerState.Stopped, "schedule")),
            stoppedWindow =>
            {
                Assert.Null(stoppedWindow.Status.AutoStop!.StoppedAt);
                var server = WithStatus(AutoServer(null), stoppedWindow.Status);
                var runningWindow = Run(server, PowerState.Stopped, null, intent: new Intent.Known(TargetPowerState.Running, "schedule"));
                Assert.Equal(ActionType.Start, runningWindow.Action);
            }),
        new("With Observe plannedAction says Stop and why and nothing is recorded",
            () =>
            {
                var server = AutoServer(StartedLongAgo);
                server.Spec = server.Spec with { ManagementPolicy = ManagementPolicy.Observe };
                return Run(server, PowerState.Running, IdleSince(T0.AddMinutes(-45)));
            },
            r =>
            {
                Assert.Null(r.Action);
                Assert.Equal("Stop", r.Status.PlannedAction!.Action);
                Assert.Contains("0 players", r.Status.PlannedAction.Reason, StringComparison.Ordinal);
                Assert.Null(r.Status.AutoStop!.StoppedAt);
            }),
        new("A new read time alone does not change the status",
            () => Run(AutoServer(StartedLongAgo), PowerState.Running, Busy3),
            first =>
            {
                var later = Busy3 with { LastReadTime = T0, LastActiveTime = T0 };
                var second = Run(WithStatus(AutoServer(null), first.Status), PowerState.Running, later);
                Assert.Equal(first.Status.AutoStop, second.Status.AutoStop);
                var emptied = Busy3 with { Players = 0, LastReadTime = T0, IdleSince = T0 };
                var third = Run(WithStatus(AutoServer(null), first.Status), PowerState.Running, emptied);
                Assert.Equal((0, T0), (third.Status.AutoStop!.Players, third.Status.AutoStop.LastReadTime));
            }),
        new("The last read and active times are the monitor's newest, and the stored ones while it has none",
            () => Run(AutoServer(StartedLongAgo with { Players = 3, LastReadTime = T0.AddHours(-1), LastActiveTime = T0.AddHours(-1) }), PowerState.Running,
                new ActivityState(5, ActivityRead.Count(5, "5 players"), T0, T0, null)),
            active =>
            {
                Assert.Equal((5, T0, T0), (active.Status.AutoStop!.Players, active.Status.AutoStop.LastReadTime, active.Status.AutoStop.LastActiveTime));
                var stored = StartedLongAgo with { Players = 3, LastReadTime = T0.AddHours(-1), LastActiveTime = T0.AddHours(-1) };
                var emptied = Run(AutoServer(stored), PowerState.Running, IdleSince(T0));
                Assert.Equal((0, T0.AddHours(-1)), (emptied.Status.AutoStop!.Players, emptied.Status.AutoStop.LastActiveTime));
                var unread = Run(AutoServer(stored), PowerState.Running, null);
                Assert.Equal(((int?)null, T0.AddHours(-1), T0.AddHours(-1)), (unread.Status.AutoStop!.Players, unread.Status.AutoStop.LastReadTime, unread.Status.AutoStop.LastActiveTime));
            }),
        // Was BlindAutoStopRuleTests: a provider that cannot report state (HEO) says AutoStopped too.
        new("An auto-stopped blind server is Ready AutoStopped once its stop was accepted",
            () =>
            {
                var status = new ServerPowerStatus
                {
                    ObservedGeneration = 1, LastAction = Accepted(ActionType.Stop, T0.AddMinutes(-5)),
                    AutoStop = new AutoStopStatus { StoppedAt = T0.AddMinutes(-5), Reason = AutoStopReason.MaxRuntime },
                };
                var server = Server(DesiredPowerState.Running, status, s => s with { AutoStop = new AutoStopSpec { MaxRuntime = "1h" } });
                return Checked(Decide(server, Blind()));
            },
            r =>
            {
                Assert.Null(r.Action);
                Assert.Equal(("True", Reasons.AutoStopped), ReadyOf(r.Status));
                Assert.StartsWith($"auto-stopped at 2026-11-22T09:55:00Z: it ran for spec.autoStop.maxRuntime; {WakeHint}", Ready(r.Status).Message, StringComparison.Ordinal);
            }),
        // CsCheck seed 7Utnm0ZS92h4 (2026-12-05): with spec.startAfter invalid, an auto-stopped server said InDesiredState.
        new("An auto-stopped server whose spec.startAfter is invalid still says AutoStopped",
            () =>
            {
                var status = new ServerPowerStatus
                {
                    ObservedGeneration = 1, AutoStop = new AutoStopStatus { StoppedAt = T0.AddMinutes(-5), Reason = AutoStopReason.MaxRuntime },
                };
                var server = Server(DesiredPowerState.Running, status, s => s with { AutoStop = new AutoStopSpec { MaxRuntime = "1h" } });
                var input = new DecisionInput(server, Observed(PowerState.Stopped), T0, Settings,
                    Dependencies: new DependencyView([], [], "spec.startAfter forms a cycle: mc → web → mc"));
                return Checked(new ServerPowerDecisionResult(input, ServerPowerDecider.Decide(input)));
            },
            r =>
            {
                Assert.Null(r.Action);
                Assert.Equal(("True", Reasons.AutoStopped), ReadyOf(r.Status));
                Assert.Equal(("False", Reasons.InvalidSpec), (Conditions.Find(r.Status.Conditions, ConditionTypes.Synced)!.Status, Conditions.Find(r.Status.Conditions, ConditionTypes.Synced)!.Reason));
            }),
    ]);

    private static readonly ActivityState Busy3 = new(3, ActivityRead.Count(3, "3 players"), T0.AddMinutes(-1), T0.AddMinutes(-1), null);

    public static IEnumerable<TheoryDataRow<Row<bool>>> ActivityRows => Table.Of<bool>(
    [
        new("A suspended server is not read",
            () =>
            {
                var server = AutoServer(StartedLongAgo);
                server.Spec = server.Spec with { Suspend = true };
                return ServerPowerDecider.ActivityRuns(new DecisionInput(server, Observed(PowerState.Running), T0, Settings));
            },
            Assert.False),
        new("A running server with autoStop is read",
            () => ServerPowerDecider.ActivityRuns(new DecisionInput(AutoServer(StartedLongAgo), Observed(PowerState.Running), T0, Settings)),
            Assert.True),
        new("An auto-stopped server seen Stopped is not read",
            () => ServerPowerDecider.ActivityRuns(new DecisionInput(AutoServer(AutoStopped), Observed(PowerState.Stopped), T0, Settings)),
            Assert.False),
    ]);

    [Theory, MemberData(nameof(Rows))]
    public void Holds(Row<ServerPowerDecisionResult> row) => row.Run();

    [Theory, MemberData(nameof(ActivityRows))]
    public void Activity_is_read(Row<bool> row) => row.Run();
}
