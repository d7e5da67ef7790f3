using ServerPower.Api.Resources;
using ServerPower.Operator.Decision;
using ServerPower.Operator.Probing;

namespace ServerPower.Operator.Tests.Probing;

public sealed class ProbeCountingTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 30, 10, 0, 0, TimeSpan.Zero);

    private static ProbeVerdict Run(ReadinessProbeSpec probe, string results)
    {
        var s = ProbeCounting.Fresh(null);
        var at = T0;
        foreach (var r in results)
        {
            s = ProbeCounting.Apply(s, probe, r == '+', r == '+' ? "ok" : "refused", at);
            at = at.AddSeconds(probe.PeriodSeconds);
        }
        return s.Verdict;
    }

    [Theory]
    [InlineData(1, 3, "", ProbeVerdict.Pending)]
    [InlineData(1, 3, "+", ProbeVerdict.Passing)]
    [InlineData(1, 3, "--", ProbeVerdict.Pending)]
    [InlineData(1, 3, "---", ProbeVerdict.Failing)]
    [InlineData(1, 3, "+--", ProbeVerdict.Passing)]
    [InlineData(1, 3, "+---", ProbeVerdict.Failing)]
    [InlineData(1, 3, "+---+", ProbeVerdict.Passing)]
    [InlineData(3, 1, "++", ProbeVerdict.Pending)]
    [InlineData(3, 1, "+++", ProbeVerdict.Passing)]
    [InlineData(3, 1, "+++-", ProbeVerdict.Failing)]
    [InlineData(3, 1, "+++-++", ProbeVerdict.Failing)]
    [InlineData(3, 1, "+++-+++", ProbeVerdict.Passing)]
    public void Thresholds_count_results_in_a_row_and_hold_the_verdict_between(int successThreshold, int failureThreshold, string results, ProbeVerdict expected)
    {
        var probe = new ReadinessProbeSpec { SuccessThreshold = successThreshold, FailureThreshold = failureThreshold };
        Assert.Equal(expected, Run(probe, results));
    }

    [Fact]
    public void A_steady_probe_shows_no_change_after_the_thresholds()
    {
        var probe = new ReadinessProbeSpec { SuccessThreshold = 2, FailureThreshold = 3 };
        var s = ProbeCounting.Fresh(T0);
        for (var i = 0; i < 3; i++) s = ProbeCounting.Apply(s, probe, false, "refused", T0.AddSeconds(i));
        var failing = ProbeCounting.Shown(s, probe);
        s = ProbeCounting.Apply(s, probe, false, "refused", T0.AddSeconds(9));
        Assert.Equal(failing, ProbeCounting.Shown(s, probe));
        for (var i = 0; i < 2; i++) s = ProbeCounting.Apply(s, probe, true, "ok", T0.AddSeconds(20 + i));
        var passing = ProbeCounting.Shown(s, probe);
        s = ProbeCounting.Apply(s, probe, true, "ok", T0.AddSeconds(30));
        Assert.Equal(passing, ProbeCounting.Shown(s, probe));
        Assert.NotEqual(failing, passing);
    }

    [Fact]
    public void A_refusal_is_recorded_for_a_failure_and_cleared_by_a_success()
    {
        var probe = new ReadinessProbeSpec();
        var refused = ProbeCounting.Apply(ProbeCounting.Fresh(T0), probe, false, "refused", T0, refused: "loopback is not allowed");
        Assert.Equal("loopback is not allowed", refused.Refused);

        var passed = ProbeCounting.Apply(refused, probe, true, "ok", T0.AddSeconds(1), refused: "loopback is not allowed");
        Assert.Null(passed.Refused);
    }
}
