using ServerPower.Operator.Probing;
using ServerPower.TestSupport;

namespace ServerPower.Operator.Tests.Probing;

/// <summary>The probe metrics the chart's dashboards and alerts query exist under those names, with the outcome labels they filter on.</summary>
public sealed class ProbeMetricsTests
{
    [Fact]
    public void The_probe_metrics_the_chart_queries_are_the_ones_recorded()
    {
        var queried = ChartQueries.DashboardQueries().Concat(ChartQueries.RuleTemplateExpressions())
            .SelectMany(PromQl.MetricNames).Where(n => n.StartsWith("serverpower_probe_", StringComparison.Ordinal)).ToHashSet();
        string[] defined = [ProbeMetrics.Results.Name, ProbeMetrics.Latency.Name, ProbeMetrics.Targets.Name];

        Assert.NotEmpty(queried);
        Assert.Subset(defined.SelectMany(n => new[] { n, n + "_bucket", n + "_count", n + "_sum" }).ToHashSet(), queried);
        Assert.Equal(["type", "outcome"], ProbeMetrics.Results.LabelNames);
        Assert.Equal(["type"], ProbeMetrics.Latency.LabelNames);
    }

    [Theory]
    [InlineData(true, false, "success")]
    [InlineData(false, true, "timeout")]
    [InlineData(false, false, "failure")]
    public void An_attempt_is_counted_by_its_outcome_and_its_latency_observed(bool success, bool timedOut, string outcome)
    {
        var type = $"test-{outcome}";
        var (count, observed, sum) = (ProbeMetrics.Results.WithLabels(type, outcome).Value, ProbeMetrics.Latency.WithLabels(type).Count,
            ProbeMetrics.Latency.WithLabels(type).Sum);

        ProbeMetrics.Record(type, new ProbeAttempt(success, outcome, TimeSpan.FromMilliseconds(250), timedOut));

        Assert.Equal(count + 1, ProbeMetrics.Results.WithLabels(type, outcome).Value);
        Assert.Equal(observed + 1, ProbeMetrics.Latency.WithLabels(type).Count);
        Assert.Equal(0.25, ProbeMetrics.Latency.WithLabels(type).Sum - sum, 3);
    }
}
