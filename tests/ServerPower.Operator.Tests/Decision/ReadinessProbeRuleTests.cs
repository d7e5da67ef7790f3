using ServerPower.Api.Resources;
using ServerPower.Api.Vocabulary;
using ServerPower.Operator.Decision;
using static ServerPower.Operator.Tests.Decision.Cases;
using static ServerPower.Operator.Tests.Decision.DecisionMessages;

namespace ServerPower.Operator.Tests.Decision;

/// <summary>The readiness probe: counted from the last start, recorded up to its thresholds, and a target that may not be probed.</summary>
public sealed class ReadinessProbeRuleTests
{
    [Fact]
    public void After_an_accepted_start_the_probe_counts_from_that_start_on_a_readable_provider()
    {
        var r = DecideWith(StartedWithProbe(), Observed(PowerState.Running), new ReadinessView(Passing(T0.AddSeconds(-30))));
        Assert.Equal(("True", Reasons.InDesiredState, "the server is Running; its readiness probe passes"), ReadyMessageOf(r.Status));
        Assert.Equal(ProbeResult.Success, r.Status.Probe?.LastResult);
    }

    [Fact]
    public void Under_Observe_a_state_blind_server_counts_its_probe_from_the_last_restart_not_a_start()
    {
        var r = DecideWith(StartedWithProbe(ManagementPolicy.Observe), Blind(), new ReadinessView(Passing(null)));
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
        var r = DecideWith(server, Observed(PowerState.Running), new ReadinessView(failing));
        Assert.Equal(4, r.Status.Probe?.ConsecutiveFailures);
    }

    [Fact]
    public void A_probe_target_that_is_not_allowed_is_Synced_and_Ready_False_saying_why()
    {
        const string why = "probe host 'mc.example.com' is not in the operator's allowed endpoint hosts";
        var r = DecideWith(Server(spec: s => s with { ReadinessProbe = Probe }), Observed(PowerState.Running), new ReadinessView(null, why));
        Assert.Equal(("False", Reasons.EndpointNotAllowed, $"readiness probe: {why}"), SyncedMessageOf(r.Status));
        Assert.Equal(("False", Reasons.ProbeFailing, $"the server is Running, but its readiness probe may not run: {why}"), ReadyMessageOf(r.Status));
    }

    [Fact]
    public void A_probe_without_a_result_yet_says_only_how_many_passes_it_waits_for()
    {
        var r = DecideWith(Server(spec: s => s with { ReadinessProbe = Probe }), Observed(PowerState.Running), new ReadinessView(null));
        Assert.Equal(("False", Reasons.ProbePending, "the server is Running; waiting for its readiness probe to pass (0 of 2 since the start)"), ReadyMessageOf(r.Status));
    }
}
