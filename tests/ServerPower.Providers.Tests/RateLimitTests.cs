using Microsoft.Extensions.Time.Testing;
using ServerPower.Api.Resources;
using ServerPower.Providers.Contract;
using ServerPower.Providers.Resilience;
using ServerPower.Providers.Tests.Support;
using ServerPower.Sandbox.Providers.Core;
using ServerPower.Sandbox.Providers.Wings;

namespace ServerPower.Providers.Tests;

/// <summary>
/// No request loops from rate limiting: a 429 without a usable Retry-After waits a floor delay that grows on
/// repeats; an endless 429 is a bounded number of requests; after a 429 with Retry-After T the whole account
/// sends nothing until T has passed (calls return at once, RateLimited, NotSent, with the remaining wait).
/// </summary>
public sealed class RateLimitTests : IAsyncLifetime
{
    private const string Uuid = "3f0c2a9e-0000-4000-8000-000000000001";
    private const string TooMany = """{"error":"Too many requests."}""";

    private readonly FakeTimeProvider time = new(new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly CancellationTokenSource guard = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
    private WingsSimulator simulator = null!;

    /// <summary>A call that waited on the fake clock would hang; this token ends such a wait as a test failure.</summary>
    private CancellationToken Ct => guard.Token;

    public async ValueTask InitializeAsync()
    {
        guard.CancelAfter(TimeSpan.FromSeconds(30));
        simulator = await WingsSimulator.StartAsync();
        simulator.Servers.Add(Uuid, SimPowerState.Running);
    }

    public async ValueTask DisposeAsync()
    {
        await simulator.DisposeAsync();
        guard.Dispose();
    }

    public static TheoryData<string> UnusableRetryAfter => ["zero", "past date", "missing"];

    [Fact]
    public void The_floor_delay_defaults_to_one_second()
    {
        Assert.Equal(TimeSpan.FromSeconds(1), new ProviderOptions().RateLimitFloorDelay);
    }

    [Theory]
    [MemberData(nameof(UnusableRetryAfter))]
    public async Task A_429_without_a_usable_retry_after_waits_a_floor_that_grows_on_repeats(string retryAfter)
    {
        using var harness = Harness(maxAttempts: 1);
        var provider = harness.For(simulator);
        TooManyRequests(retryAfter, count: 2);

        var first = await provider.SendAsync(Uuid, ActionType.Start, null, Ct);
        var atOnce = await provider.SendAsync(Uuid, ActionType.Start, null, Ct);
        time.Advance(TimeSpan.FromSeconds(1));
        var second = await provider.SendAsync(Uuid, ActionType.Start, null, Ct);
        time.Advance(TimeSpan.FromSeconds(1));
        var stillWaiting = await provider.ReadAsync(Uuid, Ct);
        time.Advance(TimeSpan.FromSeconds(1));
        var through = await provider.SendAsync(Uuid, ActionType.Start, null, Ct);

        Assert.Equal((OutcomeKind.RateLimited, TimeSpan.FromSeconds(1), false), (first.Kind, first.RetryAfter, first.NotSent));
        Assert.Equal((OutcomeKind.RateLimited, TimeSpan.FromSeconds(1), true), (atOnce.Kind, atOnce.RetryAfter, atOnce.NotSent));
        Assert.Equal((OutcomeKind.RateLimited, TimeSpan.FromSeconds(2), false), (second.Kind, second.RetryAfter, second.NotSent));
        Assert.Equal((OutcomeKind.RateLimited, TimeSpan.FromSeconds(1), true), (stillWaiting.Outcome.Kind, stillWaiting.Outcome.RetryAfter, stillWaiting.Outcome.NotSent));
        Assert.Equal(OutcomeKind.Accepted, through.Kind);
        Assert.Equal(3, simulator.Requests.Snapshot().Count);
    }

    [Fact]
    public async Task An_endless_429_is_a_bounded_number_of_requests()
    {
        using var harness = Harness(maxAttempts: 3);
        var provider = harness.For(simulator);
        TooManyRequests("missing", count: 1000);

        var call = provider.SendAsync(Uuid, ActionType.Start, null, Ct);
        while (!call.IsCompleted)
        {
            time.Advance(TimeSpan.FromMilliseconds(250));
            await Task.Delay(1, Ct);
        }

        var outcome = await call;
        var later = new List<ProviderOutcome>();
        for (var i = 0; i < 50; i++)
        {
            later.Add(await provider.SendAsync(Uuid, ActionType.Stop, null, Ct));
            later.Add((await provider.ReadAsync(Uuid, Ct)).Outcome);
        }

        Assert.Equal(OutcomeKind.RateLimited, outcome.Kind);
        Assert.True(outcome.RetryAfter >= TimeSpan.FromSeconds(4), $"the floor doubled on each repeat: {outcome.RetryAfter}");
        Assert.Equal(3, simulator.Requests.Snapshot().Count);
        Assert.All(later, refused =>
        {
            Assert.Equal(OutcomeKind.RateLimited, refused.Kind);
            Assert.True(refused.NotSent);
            Assert.True(refused.RetryAfter > TimeSpan.Zero);
        });
    }

    [Fact]
    public async Task After_a_429_with_retry_after_hours_the_whole_account_sends_nothing_until_it_passed()
    {
        using var harness = Harness(maxAttempts: 3);
        var provider = harness.For(simulator, rateLimit: new RateLimitSpec { RequestsPerSecond = 100, Burst = 100 });
        simulator.Faults.Respond(429, body: TooMany, retryAfter: TimeSpan.FromHours(3));

        var first = await provider.SendAsync(Uuid, ActionType.Kill, null, Ct);
        var refused = new List<ProviderOutcome>();
        for (var i = 0; i < 20; i++)
        {
            refused.Add(await provider.SendAsync(Uuid, ActionType.Kill, null, Ct));
            refused.Add(await provider.SendAsync(Uuid, ActionType.Start, null, Ct));
            refused.Add(await provider.ProbeAsync(Ct));
            refused.Add((await provider.ReadAsync(Uuid, Ct)).Outcome);
            refused.Add((await provider.ReadAllAsync(Ct)).Outcome);
        }

        time.Advance(TimeSpan.FromHours(2));
        var changedAccount = harness.For(simulator, rateLimit: new RateLimitSpec { RequestsPerSecond = 50, Burst = 100 });
        var laterRead = await changedAccount.ReadAsync(Uuid, Ct);
        time.Advance(TimeSpan.FromHours(1));
        var afterwards = await changedAccount.ReadAsync(Uuid, Ct);

        Assert.Equal(new ProviderOutcome(OutcomeKind.RateLimited, "Too many requests.", TimeSpan.FromHours(3)), first);
        Assert.All(refused, outcome =>
        {
            Assert.Equal(OutcomeKind.RateLimited, outcome.Kind);
            Assert.True(outcome.NotSent);
            Assert.False(outcome.MayHaveReachedProvider);
            Assert.Equal(TimeSpan.FromHours(3), outcome.RetryAfter);
        });
        Assert.Equal((OutcomeKind.RateLimited, TimeSpan.FromHours(1)), (laterRead.Outcome.Kind, laterRead.Outcome.RetryAfter));
        Assert.Equal(PowerState.Running, afterwards.Server?.Power);
        Assert.Equal(2, simulator.Requests.Snapshot().Count);
    }

    /// <summary>This layer owns the 429 wait; the reconciler asks <see cref="IPowerProvider.ThrottledFor"/> before reading.</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_429_on_a_read_or_an_action_holds_the_whole_account_for_its_Retry_After(bool onAction)
    {
        using var harness = Harness(maxAttempts: 1);
        var provider = harness.For(simulator);
        simulator.Faults.Respond(429, body: TooMany, retryAfter: TimeSpan.FromSeconds(1000));

        var outcome = onAction ? await provider.SendAsync(Uuid, ActionType.Kill, null, Ct) : (await provider.ReadAsync(Uuid, Ct)).Outcome;
        var changedAccount = harness.For(simulator, rateLimit: new RateLimitSpec { RequestsPerSecond = 50, Burst = 100 });

        Assert.Equal((OutcomeKind.RateLimited, TimeSpan.FromSeconds(1000)), (outcome.Kind, outcome.RetryAfter));
        Assert.Equal(TimeSpan.FromSeconds(1000), provider.ThrottledFor());
        Assert.Equal(TimeSpan.FromSeconds(1000), changedAccount.ThrottledFor());
        time.Advance(TimeSpan.FromSeconds(1000));
        Assert.Null(provider.ThrottledFor());
    }

    [Fact]
    public async Task A_503_with_Retry_After_and_the_accounts_own_rate_limit_do_not_hold_the_account()
    {
        using var harness = Harness(maxAttempts: 1);
        var provider = harness.For(simulator, rateLimit: new RateLimitSpec { RequestsPerSecond = 0.001, Burst = 1 });
        simulator.Faults.Respond(503, retryAfter: TimeSpan.FromSeconds(30));

        var unavailable = await provider.ReadAsync(Uuid, Ct);
        var noToken = await provider.ReadAsync(Uuid, Ct);

        Assert.Equal(OutcomeKind.Unavailable, unavailable.Outcome.Kind);
        Assert.Equal((OutcomeKind.RateLimited, true, true), (noToken.Outcome.Kind, noToken.Outcome.NotSent, noToken.Outcome.OwnLimit));
        Assert.Null(provider.ThrottledFor());
    }

    [Fact]
    public void An_account_waits_for_the_latest_end_it_was_given_and_not_after_it_passed()
    {
        var throttle = new AccountThrottle(new ProviderOptions { RateLimitFloorDelay = TimeSpan.FromSeconds(1) }, time);
        Assert.Null(throttle.Remaining());

        throttle.TooManyRequests(TimeSpan.FromSeconds(10));
        throttle.TooManyRequests(TimeSpan.FromSeconds(5));
        Assert.Equal(TimeSpan.FromSeconds(10), throttle.Remaining());
        throttle.TooManyRequests(TimeSpan.FromSeconds(20));
        Assert.Equal(TimeSpan.FromSeconds(20), throttle.Remaining());

        time.Advance(TimeSpan.FromSeconds(20));
        Assert.Null(throttle.Remaining());
    }

    [Fact]
    public async Task A_429_of_one_account_does_not_stop_another()
    {
        using var harness = Harness(maxAttempts: 1);
        var limited = harness.Factory.Get(ProviderHarness.AccountFor(simulator, key: "ns/a"));
        var other = harness.Factory.Get(ProviderHarness.AccountFor(simulator, key: "ns/b"));
        simulator.Faults.Respond(429, body: TooMany, retryAfter: TimeSpan.FromMinutes(10));

        await limited.ProbeAsync(Ct);

        Assert.True((await limited.ProbeAsync(Ct)).NotSent);
        Assert.Equal(OutcomeKind.Accepted, (await other.ProbeAsync(Ct)).Kind);
    }

    private ProviderHarness Harness(int maxAttempts) => new(
        options =>
        {
            options.MaxAttempts = maxAttempts;
            options.CoalesceBatchReads = false;
            options.RateLimitFloorDelay = TimeSpan.FromSeconds(1);
        },
        time);

    private void TooManyRequests(string retryAfter, int count)
    {
        var headers = retryAfter switch
        {
            "zero" => new Dictionary<string, string> { ["Retry-After"] = "0" },
            "past date" => new Dictionary<string, string> { ["Retry-After"] = "Sat, 01 Jan 1994 00:00:00 GMT" },
            _ => null,
        };
        simulator.Faults.Add(new FaultRule { StatusCode = 429, Body = TooMany, Headers = headers }, count);
    }
}
