using ServerPower.Api.Resources;
using ServerPower.Api.Serialization;
using ServerPower.Api.Vocabulary;
using ServerPower.Operator.Decision;
using ServerPower.Providers.Contract;
using static ServerPower.Operator.Tests.Decision.Cases;

namespace ServerPower.Operator.Tests.Decision;

/// <summary>Decision-table rows for spec.readinessProbe and spec.startAfter (reasons ProbePending, ProbeFailing, WaitingForDependencies).</summary>
public sealed class ProbeAndOrderDecisionTests
{
    private static readonly ReadinessProbeSpec Probe = new() { TcpSocket = new TcpSocketProbe { Host = "mc.example.com", Port = 25565 }, SuccessThreshold = 2 };

    private static ServerPowerResource Probed(DesiredPowerState state = DesiredPowerState.Running, ServerPowerStatus? status = null) =>
        Server(state, status, s => s with { ReadinessProbe = Probe });

    private static ProbeSnapshot Snapshot(ProbeVerdict verdict, int successes = 0, int failures = 0, DateTimeOffset? since = null) =>
        new(since, verdict, successes > 0 ? ProbeResult.Success : failures > 0 ? ProbeResult.Failure : null,
            T0.AddSeconds(-5), successes, failures, failures > 0 ? "tcp mc.example.com:25565: ConnectionRefused" : "accepted");

    private static ServerPowerDecisionResult Decide(ServerPowerResource server, ProviderView view, ReadinessView? readiness = null,
        DependencyView? dependencies = null, DateTimeOffset? now = null)
    {
        var input = new DecisionInput(server, view, now ?? T0, Settings, readiness, dependencies);
        return new ServerPowerDecisionResult(input, ServerPowerDecider.Decide(input));
    }

    public static TheoryData<string, PowerState, ProbeSnapshot?, string, string, string> ProbeRows => new()
    {
        // row, provider reports, probe snapshot, Ready status, reason, message contains
        { "no result yet", PowerState.Running, null, "False", Reasons.ProbePending, "0 of 2 since the start" },
        { "one pass of two", PowerState.Running, Snapshot(ProbeVerdict.Pending, successes: 1), "False", Reasons.ProbePending, "1 of 2" },
        { "failures below threshold before any pass", PowerState.Running, Snapshot(ProbeVerdict.Pending, failures: 2), "False", Reasons.ProbePending, "last probe failed: tcp mc.example.com:25565: ConnectionRefused" },
        { "passing", PowerState.Running, Snapshot(ProbeVerdict.Passing, successes: 2), "True", Reasons.InDesiredState, "readiness probe passes" },
        { "passing, then a failure below threshold", PowerState.Running, Snapshot(ProbeVerdict.Passing, failures: 1), "True", Reasons.InDesiredState, "readiness probe passes" },
        { "failing", PowerState.Running, Snapshot(ProbeVerdict.Failing, failures: 3), "False", Reasons.ProbeFailing, "failed 3 times in a row: tcp mc.example.com:25565: ConnectionRefused" },
        { "passing probe, provider Stopped", PowerState.Stopped, Snapshot(ProbeVerdict.Passing, successes: 2), "False", Reasons.ActionPending, "sending Start" },
        { "passing probe, provider Starting", PowerState.Starting, Snapshot(ProbeVerdict.Passing, successes: 2), "False", Reasons.Starting, "starting" },
    };

    [Theory, MemberData(nameof(ProbeRows))]
    public void Ready_with_a_probe_needs_Running_and_the_probe_passing(string row, PowerState observed, ProbeSnapshot? snapshot, string ready, string reason, string message)
    {
        var r = Decide(Probed(), Observed(observed), new ReadinessView(snapshot));
        Assert.True((ready, reason) == (Ready(r.Status).Status, Ready(r.Status).Reason), $"{row}: {Ready(r.Status).Reason}: {Ready(r.Status).Message}");
        Assert.Contains(message, Ready(r.Status).Message);
    }

    [Fact]
    public void Failing_is_reported_in_status_probe_and_deciding_again_writes_nothing_new()
    {
        var first = Decide(Probed(), Observed(PowerState.Running), new ReadinessView(Snapshot(ProbeVerdict.Failing, failures: 3)));
        Assert.Equal(new ProbeStatus { LastResult = ProbeResult.Failure, LastProbeTime = T0.AddSeconds(-5), ConsecutiveFailures = 3,
            Message = "tcp mc.example.com:25565: ConnectionRefused" }, first.Status.Probe);
        Assert.Null(first.Action);
        var moreFailures = Snapshot(ProbeVerdict.Failing, failures: 9) with { LastProbeTime = T0.AddSeconds(55) };
        var again = Decide(Probed(status: first.Status), Observed(PowerState.Running), new ReadinessView(moreFailures), now: T0.AddMinutes(1));
        Assert.Equal(ApiJson.Serialize(first.Status), ApiJson.Serialize(again.Status));
    }

    [Fact]
    public void After_a_restart_the_server_is_not_Ready_until_the_probe_passes_again()
    {
        var restarted = new ServerPowerStatus { ObservedGeneration = 1, LastAction = Accepted(ActionType.Restart, T0.AddSeconds(-30), "r1"),
            Restart = new OneShotStatus { Token = "r1", Phase = OneShotPhase.Done } };
        var server = Server(DesiredPowerState.Running, restarted, s => s with { ReadinessProbe = Probe }, Restart("r1"));
        var before = Decide(server, Observed(PowerState.Running), new ReadinessView(Snapshot(ProbeVerdict.Passing, successes: 5)));
        Assert.Equal(Reasons.ProbePending, Ready(before.Status).Reason);
        Assert.Null(before.Status.Probe);

        var since = ServerPowerDecider.ProbeSince(restarted, blind: false);
        Assert.Equal(T0.AddSeconds(-30), since);
        var after = Decide(server, Observed(PowerState.Running), new ReadinessView(Snapshot(ProbeVerdict.Passing, successes: 2, since: since)));
        Assert.Equal(("True", Reasons.InDesiredState), (Ready(after.Status).Status, Ready(after.Status).Reason));
    }

    [Fact]
    public void No_probe_applies_to_a_server_declared_Stopped()
    {
        var r = Decide(Probed(DesiredPowerState.Stopped), Observed(PowerState.Stopped), new ReadinessView(Snapshot(ProbeVerdict.Failing, failures: 3)));
        Assert.Equal(("True", Reasons.InDesiredState), (Ready(r.Status).Status, Ready(r.Status).Reason));
        Assert.Null(r.Status.Probe);
    }

    [Fact]
    public void With_probes_turned_off_Ready_follows_the_provider()
    {
        var r = Decide(Probed(), Observed(PowerState.Running), readiness: null);
        Assert.Equal(("True", Reasons.InDesiredState), (Ready(r.Status).Status, Ready(r.Status).Reason));
    }

    [Fact]
    public void A_probe_target_that_is_not_allowed_is_EndpointNotAllowed_and_never_Ready()
    {
        var r = Decide(Probed(), Observed(PowerState.Running), new ReadinessView(null, "probe host 'mc.example.com' is not in the operator's allowed endpoint hosts"));
        Assert.Equal(Reasons.EndpointNotAllowed, Synced(r.Status)?.Reason);
        Assert.Equal(Reasons.ProbeFailing, Ready(r.Status).Reason);
        Assert.Contains("allowed endpoint hosts", Ready(r.Status).Message);
    }

    [Fact]
    public void A_state_blind_provider_is_Ready_after_an_accepted_start_only_with_a_passing_probe()
    {
        var accepted = Decide(Probed(), Blind(), new ReadinessView(null)).After(ProviderOutcome.Accepted());
        Assert.Equal(Reasons.ProbePending, Conditions.Find(accepted.Status.Conditions, ConditionTypes.Ready)!.Reason);
        var passing = Decide(Probed(status: accepted.Status), Blind(), new ReadinessView(Snapshot(ProbeVerdict.Passing, successes: 2)), now: T0.AddMinutes(1));
        Assert.Equal(("True", Reasons.ActionAccepted), (Ready(passing.Status).Status, Ready(passing.Status).Reason));
        var failing = Decide(Probed(status: accepted.Status), Blind(), new ReadinessView(Snapshot(ProbeVerdict.Failing, failures: 3)), now: T0.AddMinutes(1));
        Assert.Equal(Reasons.ProbeFailing, Ready(failing.Status).Reason);
        Assert.Null(failing.Action);
    }

    public static TheoryData<string, DesiredPowerState, PowerState, DependencyView, ActionType?, string> OrderRows => new()
    {
        // row, declared, provider reports, dependencies, action, Ready reason
        { "start waits for a dependency", DesiredPowerState.Running, PowerState.Stopped, new DependencyView(["db"], []), null, Reasons.WaitingForDependencies },
        { "start goes when all are up", DesiredPowerState.Running, PowerState.Stopped, new DependencyView([], []), ActionType.Start, Reasons.ActionPending },
        { "a running server is left running", DesiredPowerState.Running, PowerState.Running, new DependencyView(["db"], []), null, Reasons.InDesiredState },
        { "stop waits for a dependent", DesiredPowerState.Stopped, PowerState.Running, new DependencyView([], ["app"]), null, Reasons.WaitingForDependencies },
        { "stop goes when dependents stopped", DesiredPowerState.Stopped, PowerState.Running, new DependencyView(["db"], []), ActionType.Stop, Reasons.ActionPending },
        { "a stopped server stays stopped", DesiredPowerState.Stopped, PowerState.Stopped, new DependencyView([], ["app"]), null, Reasons.InDesiredState },
        { "invalid: nothing is sent", DesiredPowerState.Running, PowerState.Stopped, new DependencyView([], [], "spec.startAfter names dbb, which is not a ServerPower in namespace games"), null, Reasons.WaitingForDependencies },
        { "invalid, no stop either", DesiredPowerState.Stopped, PowerState.Running, new DependencyView([], [], "spec.startAfter forms a cycle: mc → db → mc"), null, Reasons.WaitingForDependencies },
    };

    [Theory, MemberData(nameof(OrderRows))]
    public void Start_and_stop_follow_startAfter(string row, DesiredPowerState declared, PowerState observed, DependencyView deps, ActionType? action, string reason)
    {
        var r = Decide(Server(declared), Observed(observed), dependencies: deps);
        Assert.True(action == r.Action, $"{row}: {r.Action}");
        Assert.True(reason == Ready(r.Status).Reason, $"{row}: {Ready(r.Status).Reason}: {Ready(r.Status).Message}");
        if (deps.Invalid is { } invalid)
        {
            Assert.Equal((Reasons.InvalidSpec, invalid), (Synced(r.Status)!.Reason, Synced(r.Status)!.Message));
            Assert.Contains(r.Decision.Events, e => e.Warning && e.Reason == Reasons.InvalidSpec);
        }
        else if (reason == Reasons.WaitingForDependencies)
        {
            Assert.Contains((deps.NotReady.Count > 0 ? deps.NotReady : deps.StoppingDependents)[0], Ready(r.Status).Message);
        }
    }

    public static TheoryData<string, DateTimeOffset?, int, ActionType?, string, bool> StopOrderWindowRows => new()
    {
        // row, status.stopHeldSince, now (seconds after T0), action, Ready reason, warning event
        { "first pass: the stop waits and records since when", null, 0, null, Reasons.WaitingForDependencies, false },
        { "inside the window: still waits", T0, 29, null, Reasons.WaitingForDependencies, false },
        { "the window passed: stops anyway, with a warning", T0, 30, ActionType.Stop, Reasons.ActionPending, true },
    };

    /// <summary>
    /// A dependent still declared Running (its own stop may be on its way: changes arrive one object at a time, in name
    /// order under Argo CD) holds a stop for at most the stop-order window, counted from status.stopHeldSince.
    /// </summary>
    [Theory, MemberData(nameof(StopOrderWindowRows))]
    public void A_stop_waits_a_window_for_dependents_still_declared_Running(string row, DateTimeOffset? heldSince, int seconds, ActionType? action, string reason, bool warning)
    {
        var deps = new DependencyView([], [], RunningDependents: ["app"]);
        var r = Decide(Server(DesiredPowerState.Stopped, new ServerPowerStatus { StopHeldSince = heldSince }), Observed(PowerState.Running),
            dependencies: deps, now: T0.AddSeconds(seconds));
        Assert.True(action == r.Action, $"{row}: {r.Action}");
        Assert.True(reason == Ready(r.Status).Reason, $"{row}: {Ready(r.Status).Reason}: {Ready(r.Status).Message}");
        Assert.Equal(heldSince ?? T0, r.Status.StopHeldSince);
        Assert.Equal(warning, r.Decision.Events.Any(e => e.Warning && e.Reason == Reasons.WaitingForDependencies && e.Message.Contains("app", StringComparison.Ordinal)));
        if (action is null)
        {
            Assert.Contains("app", Ready(r.Status).Message);
            // Back when the window ends, or at MinPoll when it ends sooner (a deadline is never polled for).
            var left = TimeSpan.FromSeconds(30 - seconds);
            Assert.True(r.Decision.RequeueAfter == (left < Settings.MinPoll ? Settings.MinPoll : left), $"{row}: requeued after {r.Decision.RequeueAfter}");
        }
    }

    [Fact]
    public void A_dependent_already_stopping_holds_the_stop_without_a_window_and_no_hold_clears_stopHeldSince()
    {
        var stopping = Decide(Server(DesiredPowerState.Stopped, new ServerPowerStatus { StopHeldSince = T0 }), Observed(PowerState.Running),
            dependencies: new DependencyView([], ["app"], RunningDependents: ["web"]), now: T0.AddHours(1));
        Assert.Null(stopping.Action);
        Assert.Equal(Reasons.WaitingForDependencies, Ready(stopping.Status).Reason);

        var free = Decide(Server(DesiredPowerState.Stopped, new ServerPowerStatus { StopHeldSince = T0 }), Observed(PowerState.Running),
            dependencies: new DependencyView([], []), now: T0.AddSeconds(1));
        Assert.Equal(ActionType.Stop, free.Action);
        Assert.Null(free.Status.StopHeldSince);

        var running = Decide(Server(DesiredPowerState.Running, new ServerPowerStatus { StopHeldSince = T0 }), Observed(PowerState.Running),
            dependencies: new DependencyView([], [], RunningDependents: ["app"]));
        Assert.Null(running.Status.StopHeldSince);
    }

    [Fact]
    public void Invalid_order_sends_no_one_shot_either()
    {
        var r = Decide(Server(annotations: Restart("r1")), Observed(PowerState.Running), dependencies: new DependencyView([], [], "spec.startAfter forms a cycle: mc → mc"));
        Assert.Null(r.Action);
        Assert.Equal(Reasons.InvalidSpec, Synced(r.Status)?.Reason);
    }

    [Fact]
    public void A_state_blind_start_waits_for_dependencies_too()
    {
        var r = Decide(Server(), Blind(), dependencies: new DependencyView(["db"], []));
        Assert.Null(r.Action);
        Assert.Equal(Reasons.WaitingForDependencies, Ready(r.Status).Reason);
    }

    [Fact]
    public void A_deletion_waits_for_dependents_at_most_the_grace_period_and_ignores_an_invalid_order()
    {
        ServerPowerResource Deleting()
        {
            var s = Server(DesiredPowerState.Running, spec: spec => spec with { DeletionPolicy = DeletionPolicy.Stop, Stop = new StopSpec { GracePeriod = "2m" } });
            s.Metadata.DeletionTimestamp = T0.UtcDateTime;
            s.Metadata.Finalizers = [Annotations.StopFinalizer];
            return s;
        }
        var waiting = Decide(Deleting(), Observed(PowerState.Running), dependencies: new DependencyView([], ["app"]), now: T0.AddSeconds(30));
        Assert.Null(waiting.Action);
        Assert.Equal(Reasons.WaitingForDependencies, Ready(waiting.Status).Reason);
        Assert.Equal(TimeSpan.FromSeconds(30), waiting.Decision.RequeueAfter);

        var late = Decide(Deleting(), Observed(PowerState.Running), dependencies: new DependencyView([], ["app"]), now: T0.AddMinutes(2));
        Assert.Equal(ActionType.Stop, late.Action);
        Assert.Contains(late.Decision.Events, e => e.Reason == Reasons.WaitingForDependencies);

        var invalid = Decide(Deleting(), Observed(PowerState.Running), dependencies: new DependencyView([], [], "spec.startAfter forms a cycle: mc → mc"));
        Assert.Equal(ActionType.Stop, invalid.Action);
    }

    [Fact]
    public void Observe_never_waits_for_order()
    {
        var r = Decide(Server(DesiredPowerState.Running, spec: s => s with { ManagementPolicy = ManagementPolicy.Observe }), Observed(PowerState.Stopped),
            dependencies: new DependencyView(["db"], []));
        Assert.Equal(Reasons.NotInDesiredState, Ready(r.Status).Reason);
    }
}
