using ServerPower.Benchmarks;

namespace ServerPower.EndToEnd.Tests;

/// <summary>
/// The scale benchmark at N=50, in process (the operator still a separate process): it must converge everything and
/// be silent at steady state (no writes, no actions, no Kubernetes reads but the PowerProviders' Secret GETs). No timing assertions: the figures are the benchmark's business, not this test's.
/// </summary>
public sealed class BenchmarkSmokeTests
{
    [Fact]
    public async Task BenchmarkSmoke_fifty_servers_converge_and_steady_state_writes_and_acts_nothing()
    {
        var options = new BenchmarkOptions
        {
            Servers = 50,
            Providers = 2,
            LatencyMs = 50,
            SteadySeconds = 20,
            ResyncSeconds = 10,
            LatencySamples = 3,
            Deadline = TimeSpan.FromMinutes(3),
        };

        var result = await new ScaleBenchmark(options, TextWriter.Null).RunAsync(TestContext.Current.CancellationToken);

        Assert.Equal(50, result.Converged);
        Assert.Equal(50, result.ConvergenceCalls.Actions);
        Assert.Equal(0, result.SteadyWrites.All);
        Assert.Equal(0, result.SteadyCalls.Actions);
        Assert.Equal(0, result.SteadyReads.AllButSecretGets);
        Assert.Equal(3, result.LatencyMs.Count);
        Assert.True(result.ResyncLatency.Samples.Count + result.ResyncLatency.PassesMissed > 0, "no resync-pass latency attempted");
        Assert.Contains("| Converged Stopped → Running | 50/50 |", Report.Markdown(result), StringComparison.Ordinal);
    }

    [Fact]
    public void The_changes_sent_at_once_during_resync_work_are_one_per_account()
    {
        var accounts = Enumerable.Range(0, 4).Select(a => new Account($"a{a}", null!)).ToList();
        var servers = Enumerable.Range(0, 1000).Select(i => new FleetServer($"s{i}", $"{i}", accounts[i % 4])).ToList();

        var picked = ScaleBenchmark.OnePerAccount(servers, 20);

        Assert.Equal(20, picked.Distinct().Count());
        Assert.All(picked.Chunk(4), batch => Assert.Equal(4, batch.Select(s => s.Account).Distinct().Count()));
    }
}
