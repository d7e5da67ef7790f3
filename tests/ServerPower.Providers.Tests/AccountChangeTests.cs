using Microsoft.Extensions.Time.Testing;
using ServerPower.Api.Resources;
using ServerPower.Providers.Contract;
using ServerPower.Providers.Tests.Support;
using ServerPower.Sandbox.Providers;
using ServerPower.Sandbox.Providers.Core;
using ServerPower.Sandbox.Providers.Wings;

namespace ServerPower.Providers.Tests;

/// <summary>
/// An account's limits survive a change of the account (a rotated token, a new rate, a new action bound): the
/// factory hands out a new instance for the changed account, but its token bucket, its waiting servers' turns and its
/// actions in flight belong to the account key, so a change neither frees a slot still in use nor refills the bucket,
/// and a new rate applies at once.
/// </summary>
public sealed class AccountChangeTests : IAsyncLifetime
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
        var simTime = new FakeTimeProvider();
        await using var slow = await WingsSimulator.StartAsync(new SimulatorOptions { TimeProvider = simTime }, TestContext.Current.CancellationToken);
        slow.Servers.Add(Uuid, SimPowerState.Running);
        slow.Faults.Delay(TimeSpan.FromSeconds(5), path: "/power");
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
        simTime.Advance(TimeSpan.FromSeconds(5));
        await first;

        Assert.Equal((OutcomeKind.RateLimited, true), (second.Kind, second.NotSent));
        Assert.Contains("maxConcurrentActions", second.Message, StringComparison.Ordinal);
        Assert.Equal(new ProviderOptions().ActionSlotRetryAfter, wait);
        Assert.Single(slow.Requests.Matching("POST", "/power"));
        Assert.Null(provider.ActionWait(Uuid));
    }

    [Fact]
    public async Task A_rotated_token_does_not_refill_the_accounts_bucket()
    {
        using var harness = Harness();
        var account = ProviderHarness.AccountFor(simulator, rateLimit: new RateLimitSpec { RequestsPerSecond = 0.001, Burst = 1 });
        await AssertSentAsync(harness.Factory.Get(account));

        var rotated = harness.Factory.Get(account with { Credential = new SecretValue(simulator.Token + " ") });
        var refused = await rotated.ProbeAsync(Guard);

        Assert.Equal((OutcomeKind.RateLimited, true, TimeSpan.FromSeconds(1000)), (refused.Kind, refused.NotSent, refused.RetryAfter));
        Assert.Equal(1, simulator.Requests.Total);
    }

    [Fact]
    public async Task A_lowered_rate_applies_to_the_tokens_left_and_gives_no_new_burst()
    {
        using var harness = Harness();
        var account = ProviderHarness.AccountFor(simulator, rateLimit: new RateLimitSpec { RequestsPerSecond = 100, Burst = 2 });
        var fast = harness.Factory.Get(account);
        await AssertSentAsync(fast);
        await AssertSentAsync(fast);

        var slow = harness.Factory.Get(account with { RateLimit = new RateLimitSpec { RequestsPerSecond = 0.001, Burst = 5 } });
        var refused = await slow.ProbeAsync(Guard);

        Assert.Equal((OutcomeKind.RateLimited, TimeSpan.FromSeconds(1000)), (refused.Kind, refused.RetryAfter));
        Assert.Contains("spec.rateLimit", refused.Message, StringComparison.Ordinal);
        Assert.Equal(2, simulator.Requests.Total);
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

    private ProviderHarness Harness() => new(
        options =>
        {
            options.MaxAttempts = 1;
            options.CoalesceBatchReads = false;
        },
        time);

    private async Task AssertSentAsync(IPowerProvider provider)
    {
        var outcome = await provider.ProbeAsync(Guard);
        Assert.Equal(OutcomeKind.Accepted, outcome.Kind);
    }
}
