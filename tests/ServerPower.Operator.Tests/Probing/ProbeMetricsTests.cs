using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using ServerPower.Api.Resources;
using ServerPower.Operator.Endpoints;
using ServerPower.Operator.Probing;
using ServerPower.Runtime;
using ServerPower.TestSupport;

namespace ServerPower.Operator.Tests.Probing;

/// <summary>
/// The probe metrics the chart's dashboards and alerts query exist under those names, with the outcome labels they filter
/// on, and the prober records them. The metrics are the process's own: these tests run alone, after the parallel ones.
/// </summary>
[Collection(nameof(ProbeMetricsTests))]
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

    [Theory]
    [InlineData(true, "tcpSocket")]
    [InlineData(false, "httpGet")]
    public async Task The_prober_counts_each_result_by_its_probe_type(bool tcp, string type)
    {
        var other = tcp ? "httpGet" : "tcpSocket";
        var prober = Prober(success: true);
        var probe = tcp
            ? new ReadinessProbeSpec { TcpSocket = new TcpSocketProbe { Host = "mc.example.com", Port = 25565 } }
            : new ReadinessProbeSpec { HttpGet = new HttpGetProbe { Url = "https://mc.example.com/health" } };
        var (counted, otherCounted) = (ProbeMetrics.Results.WithLabels(type, "success").Value, ProbeMetrics.Results.WithLabels(other, "success").Value);

        prober.Track(new ObjectKey("games", "mc"), probe, null);
        await prober.StartDue(TestContext.Current.CancellationToken).Started;

        Assert.Equal(counted + 1, ProbeMetrics.Results.WithLabels(type, "success").Value);
        Assert.Equal(otherCounted, ProbeMetrics.Results.WithLabels(other, "success").Value);
    }

    [Fact]
    public void The_targets_gauge_follows_the_servers_tracked()
    {
        var prober = Prober(success: true);
        var probe = new ReadinessProbeSpec { TcpSocket = new TcpSocketProbe { Host = "mc.example.com", Port = 25565 } };

        prober.Track(new ObjectKey("games", "a"), probe, null);
        prober.Track(new ObjectKey("games", "b"), probe, null);
        Assert.Equal(2, ProbeMetrics.Targets.Value);

        prober.Track(new ObjectKey("games", "a"), null, null);
        Assert.Equal(1, ProbeMetrics.Targets.Value);
    }

    private static ReadinessProber Prober(bool success) =>
        new(new FixedRunner(success), new ProbeTargetPolicy(EndpointPolicy.Default), CallbackServerQueue.None, new FakeTimeProvider(),
            NullLogger<ReadinessProber>.Instance, new ProberOptions());

    private sealed class FixedRunner(bool success) : IProbeRunner
    {
        public Task<ProbeAttempt> RunAsync(ReadinessProbeSpec probe, CancellationToken cancellationToken) =>
            Task.FromResult(new ProbeAttempt(success, success ? "ok" : "down", TimeSpan.FromMilliseconds(5)));
    }
}

/// <summary>Tests of the process's probe metrics: run alone, after the parallel collections, so no other prober moves them.</summary>
[CollectionDefinition(nameof(ProbeMetricsTests), DisableParallelization = true)]
public sealed class ProbeMetricsCollection;
