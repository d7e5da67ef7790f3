using Microsoft.Extensions.Time.Testing;
using ServerPower.Api.Resources;
using ServerPower.Providers.Contract;
using ServerPower.Providers.Tests.Support;
using ServerPower.Sandbox.Providers;
using ServerPower.Sandbox.Providers.Core;
using ServerPower.Sandbox.Providers.Wings;

namespace ServerPower.Providers.Tests;

/// <summary>
/// An account's own rate limit and action slots never make a caller wait: no token or no free slot answers at
/// once RateLimited, NotSent, with how long to wait; the bucket refills correctly at any rate, for ever.
/// </summary>
public sealed class LimiterTests : IAsyncLifetime
{
    private const string Uuid = "3f0c2a9e-0000-4000-8000-000000000001";

    private readonly FakeTimeProvider time = new(new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly CancellationTokenSource guard = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
    private WingsSimulator simulator = null!;

    /// <summary>A limiter that waited would hold the call; this token ends such a wait as a test failure.</summary>
    private CancellationToken Guard => guard.Token;

    public async ValueTask InitializeAsync()
    {
        guard.CancelAfter(TimeSpan.FromSeconds(30));
        simulator = await WingsSimulator.StartAsync(new SimulatorOptions { RecordRequests = false });
        simulator.Servers.Add(Uuid, SimPowerState.Running);
    }

    public async ValueTask DisposeAsync()
    {
        await simulator.DisposeAsync();
        guard.Dispose();
    }

    [Theory]
    [InlineData(0.001, 1)]
    [InlineData(5, 3)]
    [InlineData(1000, 2)]
    [InlineData(5000, 4)]
    [InlineData(100000, 2)]
    public async Task The_bucket_refills_at_its_rate_for_ever_and_never_waits(double rate, int burst)
    {
        using var harness = Harness();
        var provider = harness.For(simulator, rateLimit: new RateLimitSpec { RequestsPerSecond = rate, Burst = burst });
        var interval = TimeSpan.FromTicks((long)Math.Ceiling(TimeSpan.TicksPerSecond / rate));

        await AssertBurstThenRefusedAsync(provider, burst, interval);
        for (var i = 0; i < 25; i++)
        {
            time.Advance(interval);
            await AssertSentAsync(provider);
            await AssertRefusedAsync(provider, interval);
        }

        // Long idle: refilled to the burst, not beyond, and still refilling afterwards.
        time.Advance(TimeSpan.FromDays(3650));
        await AssertBurstThenRefusedAsync(provider, burst, interval);
        time.Advance(interval);
        await AssertSentAsync(provider);
        Assert.Equal(burst + 25 + burst + 1, simulator.Requests.Total);
    }

    [Fact]
    public async Task Half_an_interval_is_not_a_token()
    {
        using var harness = Harness();
        var provider = harness.For(simulator, rateLimit: new RateLimitSpec { RequestsPerSecond = 2, Burst = 1 });

        await AssertSentAsync(provider);
        time.Advance(TimeSpan.FromMilliseconds(250));
        var refused = await provider.ProbeAsync(Guard);
        time.Advance(TimeSpan.FromMilliseconds(250));

        Assert.Equal((OutcomeKind.RateLimited, TimeSpan.FromMilliseconds(250), true), (refused.Kind, refused.RetryAfter, refused.NotSent));
        await AssertSentAsync(provider);
    }

    [Fact]
    public async Task A_changed_rate_takes_effect()
    {
        using var harness = Harness();
        var slow = harness.For(simulator, rateLimit: new RateLimitSpec { RequestsPerSecond = 0.01, Burst = 1 });
        await AssertSentAsync(slow);
        await AssertRefusedAsync(slow, TimeSpan.FromSeconds(100));

        // The token spent stays spent (a change is no new burst); the next one comes at the new rate.
        var fast = harness.For(simulator, rateLimit: new RateLimitSpec { RequestsPerSecond = 1000, Burst = 1 });
        await AssertRefusedAsync(fast, TimeSpan.FromMilliseconds(1));
        time.Advance(TimeSpan.FromMilliseconds(1));
        await AssertSentAsync(fast);
        await AssertRefusedAsync(fast, TimeSpan.FromMilliseconds(1));
        time.Advance(TimeSpan.FromMilliseconds(1));
        await AssertSentAsync(fast);
    }

    [Fact]
    public async Task The_rate_limit_is_per_account()
    {
        using var harness = Harness();
        var rate = new RateLimitSpec { RequestsPerSecond = 0.001, Burst = 1 };
        var a = harness.Factory.Get(ProviderHarness.AccountFor(simulator, rateLimit: rate, key: "ns/a"));
        var b = harness.Factory.Get(ProviderHarness.AccountFor(simulator, rateLimit: rate, key: "ns/b"));

        await AssertSentAsync(a);
        await AssertRefusedAsync(a, TimeSpan.FromSeconds(1000));
        await AssertSentAsync(b);
    }

    [Fact]
    public async Task No_free_action_slot_answers_at_once_and_sends_nothing()
    {
        var simTime = new FakeTimeProvider();
        await using var slow = await WingsSimulator.StartAsync(new SimulatorOptions { TimeProvider = simTime }, TestContext.Current.CancellationToken);
        slow.Servers.Add(Uuid, SimPowerState.Running);
        slow.Faults.Delay(TimeSpan.FromSeconds(5), path: "/power");
        using var harness = new ProviderHarness(options => options.RequestTimeout = TimeSpan.FromMinutes(2));
        var provider = harness.For(slow, maxConcurrentActions: 1);

        var first = provider.SendAsync(Uuid, ActionType.Kill, null, Guard);
        await Eventually.TrueAsync(() => Task.FromResult(slow.Requests.Total == 1), "first action received");
        var second = await provider.SendAsync(Uuid, ActionType.Kill, null, Guard);
        var read = await provider.ReadAsync(Uuid, Guard);
        simTime.Advance(TimeSpan.FromSeconds(5));
        var firstOutcome = await first;
        var third = await provider.SendAsync(Uuid, ActionType.Kill, null, Guard);

        Assert.Equal(OutcomeKind.RateLimited, second.Kind);
        Assert.True(second.NotSent);
        Assert.False(second.MayHaveReachedProvider);
        Assert.Equal(new ProviderOptions().ActionSlotRetryAfter, second.RetryAfter);
        Assert.Equal(PowerState.Running, read.Server?.Power);
        Assert.Equal(OutcomeKind.Accepted, firstOutcome.Kind);
        Assert.Equal(OutcomeKind.Accepted, third.Kind);
        Assert.Equal(2, slow.Requests.Matching("POST", "/power").Count);
    }

    private ProviderHarness Harness() => new(
        options =>
        {
            options.MaxAttempts = 1;
            options.CoalesceBatchReads = false;
        },
        time);

    private async Task AssertBurstThenRefusedAsync(IPowerProvider provider, int burst, TimeSpan interval)
    {
        for (var i = 0; i < burst; i++)
        {
            await AssertSentAsync(provider);
        }

        await AssertRefusedAsync(provider, interval);
    }

    private async Task AssertSentAsync(IPowerProvider provider)
    {
        var outcome = await provider.ProbeAsync(Guard);
        Assert.Equal(OutcomeKind.Accepted, outcome.Kind);
    }

    private async Task AssertRefusedAsync(IPowerProvider provider, TimeSpan interval)
    {
        var outcome = await provider.ProbeAsync(Guard);
        Assert.Equal(OutcomeKind.RateLimited, outcome.Kind);
        Assert.True(outcome.NotSent);
        Assert.Equal(interval, outcome.RetryAfter);
    }
}
