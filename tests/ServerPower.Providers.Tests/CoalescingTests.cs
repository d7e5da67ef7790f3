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
        await using var simulator = await WithServersAsync(type);
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
        await using var simulator = await WithServersAsync(ProviderType.Wings);
        using var harness = new ProviderHarness(options => options.CoalesceBatchReads = false);
        var provider = harness.For(simulator);

        await Task.WhenAll(Enumerable.Range(1, ServerCount).Select(i => provider.ReadAsync(i.ToString(), Ct)));

        Assert.Equal(ServerCount, simulator.Requests.Snapshot().Count);
    }

    [Fact]
    public async Task A_server_missing_from_the_batch_is_read_alone_for_the_providers_answer()
    {
        await using var simulator = await WithServersAsync(ProviderType.Wenium);
        using var harness = new ProviderHarness();

        var result = await harness.For(simulator).ReadAsync("999", Ct);

        Assert.Equal(OutcomeKind.NotFound, result.Outcome.Kind);
        Assert.Equal(["/api/servers", "/api/servers/999"], simulator.Requests.Snapshot().Select(r => r.Path));
    }

    [Fact]
    public async Task A_snapshot_older_than_the_maximum_age_is_refreshed()
    {
        await using var simulator = await WithServersAsync(ProviderType.Wings);
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

    /// <summary>
    /// A batch read the account's own rate limit held back sent nothing and learnt nothing: it is not kept as the
    /// window's snapshot. (It was: for the rest of the window every read of the account got the same short wait, and at
    /// 10,000 servers each server waiting for a start came back every few ms, up to 44 reconciles a server.)
    /// </summary>
    [Fact]
    public async Task A_batch_read_held_back_by_the_accounts_own_limit_is_not_kept_as_the_snapshot()
    {
        await using var simulator = await WithServersAsync(ProviderType.Wings);
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        using var harness = new ProviderHarness(options => options.BatchReadMaxAge = TimeSpan.FromSeconds(2), time);
        var provider = harness.For(simulator, rateLimit: new RateLimitSpec { RequestsPerSecond = 0.25, Burst = 1 });

        await provider.ReadAsync("1", Ct);
        time.Advance(TimeSpan.FromSeconds(3));
        var heldBack = await provider.ReadAsync("1", Ct);
        time.Advance(TimeSpan.FromSeconds(1.5));
        var read = await provider.ReadAsync("1", Ct);

        Assert.Equal((true, true), (heldBack.Outcome.NotSent, heldBack.Outcome.OwnLimit));
        Assert.Equal(PowerState.Running, read.Server?.Power);
        Assert.Equal(2, simulator.Requests.Snapshot().Count);
    }

    [Fact]
    public async Task A_failed_batch_read_that_was_sent_is_the_snapshot_for_its_window()
    {
        await using var simulator = await WithServersAsync(ProviderType.Wings);
        using var harness = new ProviderHarness(options =>
        {
            options.BatchReadMaxAge = TimeSpan.FromMinutes(5);
            options.MaxAttempts = 1;
        });
        var provider = harness.For(simulator);
        simulator.Faults.Respond(500);

        var failed = await provider.ReadAsync("1", Ct);
        var again = await provider.ReadAsync("2", Ct);

        Assert.Equal((false, false), (failed.Outcome.IsAccepted, again.Outcome.IsAccepted));
        Assert.Single(simulator.Requests.Snapshot());
    }

    /// <summary>A simulator of <paramref name="type"/> holding servers "1" to "50", all Running.</summary>
    private static async Task<IProviderSimulator> WithServersAsync(ProviderType type)
    {
        var simulator = await ProviderSimulators.StartAsync(type, cancellationToken: Ct);
        for (var i = 1; i <= ServerCount; i++)
        {
            simulator.Servers.Add(i.ToString(), SimPowerState.Running);
        }
        return simulator;
    }
}
