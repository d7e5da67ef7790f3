using ServerPower.Api.Resources;
using ServerPower.Providers.Contract;
using ServerPower.Providers.Tests.Support;
using ServerPower.Sandbox.Providers;
using ServerPower.Sandbox.Providers.Core;

namespace ServerPower.Providers.Tests;

/// <summary>Reads of many servers of one account share one batch read per window.</summary>
public sealed class CoalescingTests
{
    private const int ServerCount = 50;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(ProviderType.Wenium, "/api/servers")]
    [InlineData(ProviderType.Wings, "/api/servers")]
    public async Task Concurrent_reads_cost_one_batch_call(ProviderType type, string listPath)
    {
        await using var simulator = await ProviderSimulators.StartAsync(type, cancellationToken: Ct);
        AddServers(simulator);
        using var harness = new ProviderHarness(options => options.BatchReadMaxAge = TimeSpan.FromMinutes(5));
        var provider = harness.For(simulator);

        var results = await Task.WhenAll(Enumerable.Range(1, ServerCount).Select(i => provider.ReadAsync(i.ToString(), Ct)));

        Assert.All(results, result => Assert.Equal(PowerState.Running, result.Server?.Power));
        var request = Assert.Single(simulator.Requests.Snapshot());
        Assert.Equal(listPath, request.Path);
    }

    [Fact]
    public async Task With_coalescing_off_each_read_is_its_own_call()
    {
        await using var simulator = await ProviderSimulators.StartAsync(ProviderType.Wings, cancellationToken: Ct);
        AddServers(simulator);
        using var harness = new ProviderHarness(options => options.CoalesceBatchReads = false);
        var provider = harness.For(simulator);

        await Task.WhenAll(Enumerable.Range(1, ServerCount).Select(i => provider.ReadAsync(i.ToString(), Ct)));

        Assert.Equal(ServerCount, simulator.Requests.Snapshot().Count);
    }

    [Fact]
    public async Task A_server_missing_from_the_batch_is_read_alone_for_the_providers_answer()
    {
        await using var simulator = await ProviderSimulators.StartAsync(ProviderType.Wenium, cancellationToken: Ct);
        AddServers(simulator);
        using var harness = new ProviderHarness();

        var result = await harness.For(simulator).ReadAsync("999", Ct);

        Assert.Equal(OutcomeKind.NotFound, result.Outcome.Kind);
        Assert.Equal(["/api/servers", "/api/servers/999"], simulator.Requests.Snapshot().Select(r => r.Path));
    }

    [Fact]
    public async Task A_snapshot_older_than_the_maximum_age_is_refreshed()
    {
        await using var simulator = await ProviderSimulators.StartAsync(ProviderType.Wings, cancellationToken: Ct);
        AddServers(simulator);
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        using var harness = new ProviderHarness(options => options.BatchReadMaxAge = TimeSpan.FromSeconds(2), time);
        var provider = harness.For(simulator);

        await provider.ReadAsync("1", Ct);
        await provider.ReadAsync("2", Ct);
        simulator.Servers.Force("1", SimPowerState.Offline);
        time.Advance(TimeSpan.FromSeconds(3));
        var fresh = await provider.ReadAsync("1", Ct);

        Assert.Equal(PowerState.Stopped, fresh.Server?.Power);
        Assert.Equal(2, simulator.Requests.Snapshot().Count);
    }

    private static void AddServers(IProviderSimulator simulator)
    {
        for (var i = 1; i <= ServerCount; i++)
        {
            simulator.Servers.Add(i.ToString(), SimPowerState.Running);
        }
    }
}
