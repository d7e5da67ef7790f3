using CsCheck;
using ServerPower.Api.Resources;
using ServerPower.Api.Vocabulary;
using ServerPower.Operator.Decision;
using static ServerPower.Operator.Tests.Decision.Cases;

namespace ServerPower.Operator.Tests.Decision;

/// <summary>
/// The rules report Synced and Ready findings to the draft, and the decision's ending case resolves them once
/// (<see cref="ConditionFindings"/>): the conditions never depend on the order in which the rules ran.
/// </summary>
public sealed class ConditionFindingsTests
{
    /// <summary>One report to the draft, as a rule makes it.</summary>
    internal sealed record Report(bool IsReady, bool Status, string Reason, string Message)
    {
        public void To(Draft d)
        {
            if (IsReady) d.Ready(Status, Reason, Message);
            else d.Synced(Status, Reason, Message);
        }

        public override string ToString() => $"{(IsReady ? "Ready" : "Synced")}({Status}, {Reason}, \"{Message}\")";
    }

    private static readonly string[] FailureReasons =
    [
        Reasons.InvalidSpec, Reasons.EndpointNotAllowed, Reasons.RateLimited, Reasons.ProviderUnavailable, Reasons.ServerConflict,
        Reasons.ScheduleNotFound, Reasons.ServerNotFound, "NotRankedReason", "AnotherUnranked",
    ];

    private static readonly Gen<Report> SyncedFailure = Gen.Select(Gen.OneOf(FailureReasons), Gen.OneOf("a is wrong", "b is wrong", "c is wrong"),
        (reason, message) => new Report(false, false, reason, message));

    private static readonly Gen<Report> SyncedSuccess = Gen.OneOf("state read", "start accepted")
        .Select(message => new Report(false, true, Reasons.ReconcileSucceeded, message));

    private static readonly Gen<Report> ReadyVerdict = Gen.Select(Gen.Bool, Gen.OneOf(Reasons.InDesiredState, Reasons.ActionPending, Reasons.ProbeFailing),
        (ready, reason) => new Report(true, ready, reason, $"the verdict {reason}"));

    /// <summary>What one decision's rules may report: any number of Synced failures, at most one success and one Ready verdict.</summary>
    private static readonly Gen<Report[]> Reports = Gen.Select(SyncedFailure.Array[0, 6], SyncedSuccess.Array[0, 1], ReadyVerdict.Array[0, 1],
        (failures, success, ready) => failures.Concat(success).Concat(ready).ToArray());

    [Fact]
    public void The_same_findings_in_any_order_give_the_same_conditions()
    {
        var gen = Reports.SelectMany(reports => Gen.Select(Gen.Shuffle(reports.ToArray()), Gen.Shuffle(reports.ToArray())));
        gen.Sample((one, other) =>
        {
            var first = Decided(one);
            var second = Decided(other);
            Assert.Equal(first.Conditions, second.Conditions);
            Assert.Equal(first.PlannedAction, second.PlannedAction);
        }, iter: Iterations(), print: p => $"one order:\n{string.Join("\n", p.Item1.AsEnumerable())}\nanother:\n{string.Join("\n", p.Item2.AsEnumerable())}");
    }

    [Fact]
    public void Synced_fails_with_the_first_ranked_reason_and_names_every_failure()
    {
        Reports.Sample(reports =>
        {
            var failures = reports.Where(r => r is { IsReady: false, Status: false }).ToList();
            var synced = Synced(Decided(reports));
            if (failures.Count == 0)
            {
                var success = reports.SingleOrDefault(r => r is { IsReady: false, Status: true });
                Assert.Equal(success?.Message, synced?.Message);
                return;
            }
            Assert.Equal(ConditionStatus.False, synced!.Status);
            Assert.Equal(failures.OrderBy(f => Rank(f.Reason)).ThenBy(f => f.Reason, StringComparer.Ordinal).First().Reason, synced.Reason);
            // Every distinct message once, by rank, then reason and text (unranked reasons by name), joined by "; ".
            var expected = failures.OrderBy(f => Rank(f.Reason)).ThenBy(f => f.Reason, StringComparer.Ordinal)
                .ThenBy(f => f.Message, StringComparer.Ordinal).Select(f => f.Message).Distinct();
            Assert.Equal(string.Join("; ", expected), synced.Message);
        }, iter: Iterations(), print: reports => string.Join("\n", reports.AsEnumerable()));
    }

    [Fact]
    public void Without_a_finding_the_stored_conditions_stay()
    {
        var stored = Decided([new Report(true, false, Reasons.ProbeFailing, "stored ready"), new Report(false, false, Reasons.InvalidSpec, "stored synced")]);
        var d = Draft.Begin(Input(new ServerPowerStatus { ObservedGeneration = 1, Conditions = stored.Conditions }));
        Assert.Equal(stored.Conditions, d.Wait(null).Status.Conditions);
    }

    [Fact]
    public void A_second_Ready_verdict_in_one_decision_is_refused()
    {
        var d = Draft.Begin(Input());
        d.Ready(false, Reasons.ActionPending, "sending Start");
        var e = Assert.Throws<InvalidOperationException>(() => d.Ready(true, Reasons.InDesiredState, "the server is Running"));
        Assert.Contains("Ready decided twice", e.Message);
    }

    [Fact]
    public void A_second_Synced_success_in_one_decision_is_refused()
    {
        var d = Draft.Begin(Input());
        d.Synced(true, Reasons.ReconcileSucceeded, "state read");
        var e = Assert.Throws<InvalidOperationException>(() => d.Synced(true, Reasons.ReconcileSucceeded, "start accepted"));
        Assert.Equal("Synced success reported twice in one decision: \"state read\", then \"start accepted\"", e.Message);
    }

    [Fact]
    public void A_one_shot_in_doubt_overrides_the_Ready_verdict_and_plannedAction_follows_it()
    {
        var status = new ServerPowerStatus
        {
            ObservedGeneration = 1,
            Restart = new OneShotStatus { Token = "r1", Phase = OneShotPhase.Uncertain, Message = "lost" },
        };
        var d = Draft.Begin(Input(status, observe: true));
        d.Ready(true, Reasons.InDesiredState, "the server is Running");
        var decided = d.Wait(null).Status;
        Assert.Equal(Reasons.OneShotUncertain, Ready(decided).Reason);
        Assert.Equal(Ready(decided).Message, decided.PlannedAction!.Reason);
    }

    private static ServerPowerStatus Decided(IEnumerable<Report> reports)
    {
        var d = Draft.Begin(Input(observe: true));
        foreach (var report in reports) report.To(d);
        return d.Wait(null).Status;
    }

    private static DecisionInput Input(ServerPowerStatus? status = null, bool observe = false) =>
        new(Server(status: status, annotations: Restart("r1"), spec: s => observe ? s with { ManagementPolicy = ManagementPolicy.Observe } : s),
            Observed(PowerState.Running), T0, Settings);

    private static int Rank(string reason) => Array.IndexOf(ConditionFindings.SyncedRank, reason) is var i and >= 0 ? i : int.MaxValue;

    private static long Iterations() =>
        long.TryParse(Environment.GetEnvironmentVariable("PROPERTY_ITERATIONS"), out var n) ? n : 2_000;
}
