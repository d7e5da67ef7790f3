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
/// once RateLimited, NotSent, with how long to wait; the bucket refills correctly at any rate, for ever. They
/// survive a change of the account (a rotated token, a new rate, a new action bound): the factory hands out a new
/// instance for the changed account, but the bucket, the waiting servers' turns and the actions in flight belong to
/// the account key, so a change neither frees a slot still in use nor refills the bucket, and a new rate applies at once.
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
        var (simTime, slow) = await SlowActionsAsync();
        await using var _ = slow;
        using var harness = new ProviderHarness(options => options.RequestTimeout = TimeSpan.FromMinutes(2));
        var provider = harness.For(slow, maxConcurrentActions: 1);

        var first = provider.SendAsync(Uuid, ActionType.Kill, null, Guard);
        await Eventually.TrueAsync(() => Task.FromResult(slow.Requests.Total == 1), "first action received");
        var second = await provider.SendAsync(Uuid, ActionType.Kill, null, Guard);
        var read = await provider.ReadAsync(Uuid, Guard);
        var firstOutcome = await AnsweredAsync(simTime, first);
        var third = await provider.SendAsync(Uuid, ActionType.Kill, null, Guard);

        Assert.Equal(OutcomeKind.RateLimited, second.Kind);
        Assert.True(second.NotSent);
        Assert.False(second.MayHaveReachedProvider);
        Assert.Equal(new ProviderOptions().ActionSlotRetryAfter, second.RetryAfter);
        Assert.True(second.OwnLimit);
        Assert.Null(provider.ThrottledFor());
        Assert.Equal(PowerState.Running, read.Server?.Power);
        Assert.Equal(OutcomeKind.Accepted, firstOutcome.Kind);
        Assert.Equal(OutcomeKind.Accepted, third.Kind);
        Assert.Equal(2, slow.Requests.Matching("POST", "/power").Count);
    }

    public enum Change
    {
        RotatedToken,
        NewRate,
        RaisedThenLoweredBound,
    }

    [Theory]
    [InlineData(Change.RotatedToken)]
    [InlineData(Change.NewRate)]
    [InlineData(Change.RaisedThenLoweredBound)]
    public async Task An_action_in_flight_still_counts_against_maxConcurrentActions_after_the_account_changed(Change change)
    {
        var (simTime, slow) = await SlowActionsAsync();
        await using var _ = slow;
        using var harness = new ProviderHarness(options => options.RequestTimeout = TimeSpan.FromMinutes(2));
        var account = ProviderHarness.AccountFor(slow, maxConcurrentActions: 1);
        var first = harness.Factory.Get(account).SendAsync(Uuid, ActionType.Kill, null, Guard);
        await Eventually.TrueAsync(() => Task.FromResult(slow.Requests.Total == 1), "first action received");

        var changed = change switch
        {
            Change.RotatedToken => account with { Credential = new SecretValue("rotated-token") },
            Change.NewRate => account with { RateLimit = new RateLimitSpec { RequestsPerSecond = 100, Burst = 10 } },
            _ => account,
        };
        if (change == Change.RaisedThenLoweredBound) harness.Factory.Get(account with { MaxConcurrentActions = 2 });
        var provider = harness.Factory.Get(changed);
        var wait = provider.ActionWait(Uuid);
        var second = await provider.SendAsync(Uuid, ActionType.Kill, null, Guard);
        await AnsweredAsync(simTime, first);

        Assert.Equal((OutcomeKind.RateLimited, true), (second.Kind, second.NotSent));
        Assert.Contains("maxConcurrentActions", second.Message, StringComparison.Ordinal);
        Assert.Equal(new ProviderOptions().ActionSlotRetryAfter, wait);
        Assert.Single(slow.Requests.Matching("POST", "/power"));
        Assert.Null(provider.ActionWait(Uuid));
    }

    /// <summary>A rotated token at 0.001/s, burst 1; a rate lowered from 100/s, burst 2, to 0.001/s with a larger burst.</summary>
    [Theory]
    [InlineData(0.001, 1, 1, false)]
    [InlineData(100, 2, 2, true)]
    public async Task A_changed_account_gets_no_new_burst_and_its_next_token_comes_at_the_current_rate(
        double rate, int burst, int sent, bool lowerTheRate)
    {
        using var harness = Harness();
        var account = ProviderHarness.AccountFor(simulator, rateLimit: new RateLimitSpec { RequestsPerSecond = rate, Burst = burst });
        await AssertBurstThenRefusedAsync(harness.Factory.Get(account), sent, TimeSpan.FromSeconds(1 / rate));

        var changed = harness.Factory.Get(lowerTheRate
            ? account with { RateLimit = new RateLimitSpec { RequestsPerSecond = 0.001, Burst = 5 } }
            : account with { Credential = new SecretValue(simulator.Token + " ") });
        var refused = await changed.ProbeAsync(Guard);

        Assert.Equal((OutcomeKind.RateLimited, true, TimeSpan.FromSeconds(1000)), (refused.Kind, refused.NotSent, refused.RetryAfter));
        Assert.Contains("spec.rateLimit", refused.Message, StringComparison.Ordinal);
        Assert.Equal(sent, simulator.Requests.Total);
    }

    [Fact]
    public async Task A_raised_rate_applies_at_once_to_the_next_token_and_to_the_turns_of_waiting_servers()
    {
        using var harness = Harness();
        var account = ProviderHarness.AccountFor(simulator, rateLimit: new RateLimitSpec { RequestsPerSecond = 0.001, Burst = 1 });
        var slow = harness.Factory.Get(account);
        await AssertSentAsync(slow);
        var before = Enumerable.Range(0, 3).Select(i => slow.ActionWait($"s{i}")!.Value).ToList();
        Assert.All(before, wait => Assert.True(wait >= TimeSpan.FromSeconds(1000), $"waits {wait} at 0.001/s"));

        var fast = harness.Factory.Get(account with { RateLimit = new RateLimitSpec { RequestsPerSecond = 100, Burst = 1 } });
        var after = Enumerable.Range(0, 3).Select(i => fast.ActionWait($"s{i}")).ToList();
        var turn = TimeSpan.FromSeconds(1 / (100 * 0.98));

        Assert.All(after, wait => Assert.True(wait is { } w && w <= 3 * turn + TimeSpan.FromMilliseconds(10), $"waits {wait} at 100/s"));
        Assert.Equal(after.OrderBy(w => w).ToList(), after);
        time.Advance(after[0]!.Value);
        Assert.Null(fast.ActionWait("s0"));
    }

    /// <summary>A Wings simulator on its own fake clock whose next power action is answered only after 5 s of that clock.</summary>
    private static async Task<(FakeTimeProvider Clock, WingsSimulator Simulator)> SlowActionsAsync()
    {
        var clock = new FakeTimeProvider();
        var slow = await WingsSimulator.StartAsync(new SimulatorOptions { TimeProvider = clock }, TestContext.Current.CancellationToken);
        slow.Servers.Add(Uuid, SimPowerState.Running);
        slow.Faults.Delay(TimeSpan.FromSeconds(5), path: "/power");
        return (clock, slow);
    }

    /// <summary>
    /// The delayed action's answer: the simulator's clock is moved on until it comes (the simulator may start its delay
    /// only after the request was counted, so one step of the clock could come before the delay does).
    /// </summary>
    private static async Task<ProviderOutcome> AnsweredAsync(FakeTimeProvider clock, Task<ProviderOutcome> action)
    {
        await Eventually.Until(() => action.IsCompleted, "the delayed action answered", () => clock.Advance(TimeSpan.FromSeconds(5)));
        return await action;
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
