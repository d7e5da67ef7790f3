using ServerPower.Api.Resources;
using ServerPower.Api.Vocabulary;
using ServerPower.Operator.Decision;
using ServerPower.Operator.Tests.Tables;
using static ServerPower.Operator.Tests.Decision.Cases;
using static ServerPower.Operator.Tests.Decision.DecisionMessages;

namespace ServerPower.Operator.Tests.Decision;

/// <summary>
/// The readiness probe: counted from the last start, recorded up to its thresholds, and a target that may not be probed.
/// The decisions are one table; when a probe counts from (<see cref="ServerPowerDecider.ProbeSince"/>) is a second.
/// </summary>
public sealed class ReadinessProbeRuleTests
{
    public static IEnumerable<TheoryDataRow<Row<ServerPowerDecisionResult>>> Rows => Table.Of<ServerPowerDecisionResult>(
    [
        new("After an accepted start the probe counts from that start on a readable provider",
            () => DecideWith(StartedWithProbe(), Observed(PowerState.Running), new ReadinessView(Passing(T0.AddSeconds(-30)))),
            r =>
            {
                Assert.Equal(("True", Reasons.InDesiredState, "the server is Running; its readiness probe passes"), ReadyMessageOf(r.Status));
                Assert.Equal(ProbeResult.Success, r.Status.Probe?.LastResult);
            }),
        new("Under Observe a state blind server counts its probe from the last restart not a start",
            () => DecideWith(StartedWithProbe(ManagementPolicy.Observe), Blind(), new ReadinessView(Passing(null))),
            r =>
            {
                Assert.Null(r.Action);
                Assert.Equal(("True", Reasons.ActionAccepted), (Ready(r.Status).Status, Ready(r.Status).Reason));
                Assert.EndsWith("its readiness probe passes", Ready(r.Status).Message, StringComparison.Ordinal);
            }),
        new("Consecutive failures are recorded up to the declared failure threshold",
            () =>
            {
                var server = Server(spec: s => s with { ReadinessProbe = Probe with { FailureThreshold = 5 } });
                var failing = new ProbeSnapshot(null, ProbeVerdict.Pending, ProbeResult.Failure, T0.AddSeconds(-5), 0, 4, "tcp mc.example.com:25565: ConnectionRefused");
                return DecideWith(server, Observed(PowerState.Running), new ReadinessView(failing));
            },
            r => Assert.Equal(4, r.Status.Probe?.ConsecutiveFailures)),
        new("A probe target that is not allowed is Synced and Ready False saying why",
            () => DecideWith(Server(spec: s => s with { ReadinessProbe = Probe }), Observed(PowerState.Running), new ReadinessView(null, NotAllowed)),
            r =>
            {
                Assert.Equal(("False", Reasons.EndpointNotAllowed, $"readiness probe: {NotAllowed}"), SyncedMessageOf(r.Status));
                Assert.Equal(("False", Reasons.ProbeFailing, $"the server is Running, but its readiness probe may not run: {NotAllowed}"), ReadyMessageOf(r.Status));
            }),
        // The target as written is checked first: a refusal recorded by an earlier probe of another address is older news.
        new("A probe target that is not allowed is named before an address the last probe was refused",
            () =>
            {
                var refused = new ProbeSnapshot(null, ProbeVerdict.Pending, ProbeResult.Failure, T0.AddSeconds(-5), 0, 1, "not connected", Refused: "the operator's outbound policy refuses 10.0.0.1");
                return DecideWith(Server(spec: s => s with { ReadinessProbe = Probe }), Observed(PowerState.Running), new ReadinessView(refused, NotAllowed));
            },
            r => Assert.Equal(("False", Reasons.EndpointNotAllowed, $"readiness probe: {NotAllowed}"), SyncedMessageOf(r.Status))),
        new("A probe without a result yet says only how many passes it waits for",
            () => DecideWith(Server(spec: s => s with { ReadinessProbe = Probe }), Observed(PowerState.Running), new ReadinessView(null)),
            r => Assert.Equal(("False", Reasons.ProbePending, "the server is Running; waiting for its readiness probe to pass (0 of 2 since the start)"), ReadyMessageOf(r.Status))),
    ]);

    public static IEnumerable<TheoryDataRow<Row<DateTimeOffset?>>> SinceRows => Table.Of<DateTimeOffset?>(
        from c in new (ActionType Last, bool Blind, bool Counts)[]
        {
            (ActionType.Start, false, true),
            (ActionType.Start, true, false),
            (ActionType.Restart, true, true),
            (ActionType.Rebuild, false, true),
            (ActionType.Stop, false, false),
            (ActionType.Kill, false, false),
        }
        select new Row<DateTimeOffset?>($"A probe counts from the last start, restart or rebuild: last {c.Last}{(c.Blind ? ", state blind" : "")} {(c.Counts ? "counts" : "does not count")}",
            () => ServerPowerDecider.ProbeSince(new ServerPowerStatus { LastAction = Accepted(c.Last, T0.AddMinutes(-1)) }, c.Blind),
            since => Assert.Equal(c.Counts ? T0.AddMinutes(-1) : (DateTimeOffset?)null, since)));

    private const string NotAllowed = "probe host 'mc.example.com' is not in the operator's allowed endpoint hosts";

    [Theory, MemberData(nameof(Rows))]
    public void Holds(Row<ServerPowerDecisionResult> row) => row.Run();

    [Theory, MemberData(nameof(SinceRows))]
    public void Counts_from(Row<DateTimeOffset?> row) => row.Run();
}
