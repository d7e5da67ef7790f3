using ServerPower.Benchmarks;

namespace ServerPower.EndToEnd.Tests;

/// <summary>
/// Cardinality: the operator's /metrics after 1,000 servers (4 accounts, one namespace) were created, started,
/// observed and resynced (the scale benchmark's run, shortened). No label value is a server's name, so nothing grows
/// with servers: the series are those of the accounts, controllers and the .NET runtime (about 900, of which about
/// 300 are .NET's HttpClient histogram by endpoint and status, and 200 the provider latency histogram by account and
/// operation), and no family comes near one series per server.
/// </summary>
public sealed class MetricSeriesTests
{
    [Fact]
    public async Task At_a_thousand_servers_the_metrics_hold_a_bounded_number_of_series()
    {
        var options = new BenchmarkOptions
        {
            Servers = 1000,
            Providers = 4,
            ProviderRps = 500,
            LatencyMs = 20,
            SteadySeconds = 12,
            ResyncSeconds = 10,
            LatencySamples = 1,
            Deadline = TimeSpan.FromMinutes(5),
        };

        var result = await new ScaleBenchmark(options, TextWriter.Null).RunAsync(TestContext.Current.CancellationToken);

        Assert.Equal(1000, result.Converged);
        var families = string.Join(", ", result.MetricSeries.OrderByDescending(f => f.Value).Select(f => $"{f.Key}={f.Value}"));
        Assert.Equal(0, result.ServersNamedInMetrics);
        Assert.True(result.MetricSeries.Values.Sum() <= 1200, $"{result.MetricSeries.Values.Sum()} series: {families}");
        Assert.True(result.MetricSeries.Values.Max() <= 400, families);
        Assert.True(result.MetricSeries.Where(f => f.Key.StartsWith("serverpower_", StringComparison.Ordinal)).Max(f => f.Value) <= 250, families);
        Assert.Contains("serverpower_provider_requests_total", result.MetricSeries.Keys);
        Assert.Contains("controller_runtime_reconcile_total", result.MetricSeries.Keys);
    }
}
