using ServerPower.Api.Resources;
using ServerPower.Providers.Contract;
using ServerPower.Providers.Tests.Support;
using ServerPower.Sandbox.Providers.Core;
using ServerPower.Sandbox.Providers.Wings;

namespace ServerPower.Providers.Tests;

/// <summary>Answers are read up to a bound (default 1 MiB); a larger one is unreadable and is not read further.</summary>
public sealed class BodyBoundTests : IAsyncLifetime
{
    private const string Uuid = "3f0c2a9e-0000-4000-8000-000000000001";
    private const long Huge = 64L * 1024 * 1024;

    private readonly ProviderHarness harness = new(options =>
    {
        options.MaxAttempts = 1;
        options.CoalesceBatchReads = false;
    });

    private WingsSimulator simulator = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        simulator = await WingsSimulator.StartAsync();
        simulator.Servers.Add(Uuid, SimPowerState.Running);
    }

    public async ValueTask DisposeAsync()
    {
        await simulator.DisposeAsync();
        harness.Dispose();
    }

    [Fact]
    public async Task A_huge_read_answer_is_unreadable()
    {
        simulator.Faults.RespondHuge(8L * 1024 * 1024, path: "/api/servers/");

        var read = await harness.For(simulator).ReadAsync(Uuid, Ct);

        Assert.Null(read.Server);
        Assert.Equal(OutcomeKind.Unavailable, read.Outcome.Kind);
        Assert.Equal("unreadable answer (HTTP 200, larger than 1048576 bytes)", read.Outcome.Message);
    }

    [Fact]
    public async Task Reading_stops_at_the_bound()
    {
        await using var listener = new HugeAnswerListener(Huge);
        var provider = harness.Factory.Get(new ProviderAccount(
            "ns/huge", ProviderType.Wings, listener.BaseAddress, new SecretValue("t0ken"), RateLimit: null, MaxConcurrentActions: 1));

        var read = await provider.ReadAsync(Uuid, Ct);

        Assert.Equal("unreadable answer (HTTP 200, larger than 1048576 bytes)", read.Outcome.Message);
        await Eventually.TrueAsync(() => Task.FromResult(listener.Ended == 1), "the listener stopped sending");
        Assert.True(listener.Sent < Huge / 2, $"the client stopped reading, but the socket took {listener.Sent} bytes");
    }

    [Theory]
    [InlineData(ActionType.Kill)]
    [InlineData(ActionType.Start)]
    public async Task A_huge_action_answer_is_unreadable_and_may_have_reached_the_provider(ActionType action)
    {
        simulator.Faults.RespondHuge(8L * 1024 * 1024, statusCode: 202, path: "/power");

        var outcome = await harness.For(simulator).SendAsync(Uuid, action, null, Ct);

        Assert.Equal(OutcomeKind.Unavailable, outcome.Kind);
        Assert.True(outcome.MayHaveReachedProvider);
        Assert.Equal("unreadable answer (HTTP 202, larger than 1048576 bytes)", outcome.Message);
    }

    [Fact]
    public async Task The_bound_is_an_option()
    {
        using var small = new ProviderHarness(options =>
        {
            options.MaxAttempts = 1;
            options.CoalesceBatchReads = false;
            options.MaxResponseBytes = 100;
        });
        var probe = await small.For(simulator).ProbeAsync(Ct);
        var read = await small.For(simulator).ReadAsync(Uuid, Ct);

        Assert.Equal("Wings 1.11.13", probe.Message);
        Assert.Equal("unreadable answer (HTTP 200, larger than 100 bytes)", read.Outcome.Message);
    }

    /// <summary>A listing grows with the account: a Wings account of 12,500 servers lists about 2 MB.</summary>
    [Fact]
    public async Task A_batch_read_has_its_own_larger_bound()
    {
        for (var i = 2; i <= 200; i++) simulator.Servers.Add($"3f0c2a9e-0000-4000-8000-{i:D12}", SimPowerState.Offline);
        using var small = new ProviderHarness(options =>
        {
            options.MaxAttempts = 1;
            options.CoalesceBatchReads = false;
            options.MaxResponseBytes = 1000;
        });
        using var tiny = new ProviderHarness(options =>
        {
            options.MaxAttempts = 1;
            options.CoalesceBatchReads = false;
            options.MaxResponseBytes = 1000;
            options.MaxBatchResponseBytes = 1000;
        });

        var listing = await small.For(simulator).ReadAllAsync(Ct);
        var single = await small.For(simulator).ReadAsync(Uuid, Ct);
        var refused = await tiny.For(simulator).ReadAllAsync(Ct);

        Assert.Equal((OutcomeKind.Accepted, 200), (listing.Outcome.Kind, listing.Servers.Count));
        Assert.Equal(PowerState.Running, single.Server?.Power);
        Assert.Equal("unreadable answer (HTTP 200, larger than 1000 bytes)", refused.Outcome.Message);
    }
}
