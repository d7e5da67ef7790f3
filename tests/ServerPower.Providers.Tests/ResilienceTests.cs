using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Time.Testing;
using ServerPower.Api.Resources;
using ServerPower.Providers.Contract;
using ServerPower.Providers.Tests.Support;
using ServerPower.Sandbox.Providers;
using ServerPower.Sandbox.Providers.Core;
using ServerPower.Sandbox.Providers.Wings;

namespace ServerPower.Providers.Tests;

/// <summary>Retries, at-most-once destructive actions, timeouts, dropped connections, circuit breaker, limits.</summary>
public sealed class ResilienceTests : IAsyncLifetime
{
    private const string Uuid = "3f0c2a9e-0000-4000-8000-000000000001";

    private readonly ProviderHarness harness = new(options =>
    {
        options.CoalesceBatchReads = false;
        options.RequestTimeout = TimeSpan.FromSeconds(1);
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

    public static TheoryData<string> Retryable => ["read", "start", "stop"];

    public static TheoryData<ActionType> Destructive => [ActionType.Restart, ActionType.Kill, ActionType.Rebuild];

    [Theory]
    [MemberData(nameof(Retryable))]
    public async Task A_429_with_retry_after_is_waited_out_for_reads_start_and_stop(string action)
    {
        simulator.Faults.Respond(429, body: """{"error":"slow down"}""", retryAfter: TimeSpan.FromSeconds(1));

        var outcome = await Call(harness.For(simulator), action);

        Assert.Equal(OutcomeKind.Accepted, outcome.Kind);
        Assert.Equal(2, simulator.Requests.Snapshot().Count);
        Assert.Equal(0, simulator.Faults.Pending);
    }

    [Fact]
    public async Task A_retry_after_longer_than_the_maximum_is_returned_as_rate_limited()
    {
        simulator.Faults.Respond(429, body: """{"error":"slow down"}""", retryAfter: TimeSpan.FromMinutes(5));

        var outcome = await harness.For(simulator).SendAsync(Uuid, ActionType.Start, null, Ct);

        Assert.Equal(new ProviderOutcome(OutcomeKind.RateLimited, "slow down", TimeSpan.FromMinutes(5)), outcome);
        Assert.Single(simulator.Requests.Snapshot());
    }

    [Theory]
    [MemberData(nameof(Retryable))]
    public async Task A_5xx_is_retried_for_reads_start_and_stop(string action)
    {
        simulator.Faults.Respond(500, count: 2, body: """{"error":"boom"}""");

        var outcome = await Call(harness.For(simulator), action);

        Assert.Equal(OutcomeKind.Accepted, outcome.Kind);
        Assert.Equal(3, simulator.Requests.Snapshot().Count);
    }

    [Theory]
    [MemberData(nameof(Retryable))]
    public async Task A_dropped_connection_is_retried_for_reads_start_and_stop(string action)
    {
        simulator.Faults.Drop();

        var outcome = await Call(harness.For(simulator), action);

        Assert.Equal(OutcomeKind.Accepted, outcome.Kind);
        Assert.Equal(2, simulator.Requests.Snapshot().Count);
    }

    [Theory]
    [MemberData(nameof(Destructive))]
    public async Task A_destructive_action_is_sent_once_when_the_provider_answers_5xx(ActionType action)
    {
        simulator.Faults.Respond(503, count: 5, body: """{"error":"node overloaded"}""");

        var outcome = await harness.For(simulator).SendAsync(Uuid, action, null, Ct);

        Assert.Equal(new ProviderOutcome(OutcomeKind.Unavailable, "node overloaded"), outcome);
        Assert.Single(simulator.Requests.Snapshot());
    }

    [Theory]
    [MemberData(nameof(Destructive))]
    public async Task A_destructive_action_that_times_out_is_sent_once_and_may_have_reached(ActionType action)
    {
        simulator.Faults.Delay(TimeSpan.FromSeconds(30), count: 5);

        var outcome = await harness.For(simulator).SendAsync(Uuid, action, null, Ct);

        Assert.Equal(OutcomeKind.Unavailable, outcome.Kind);
        Assert.True(outcome.MayHaveReachedProvider);
        Assert.Single(simulator.Requests.Snapshot());
    }

    [Theory]
    [MemberData(nameof(Destructive))]
    public async Task A_destructive_action_whose_connection_drops_is_sent_once_and_may_have_reached(ActionType action)
    {
        simulator.Faults.Drop(count: 5);

        var outcome = await harness.For(simulator).SendAsync(Uuid, action, null, Ct);

        Assert.Equal(OutcomeKind.Unavailable, outcome.Kind);
        Assert.True(outcome.MayHaveReachedProvider);
        Assert.Single(simulator.Requests.Snapshot());
    }

    [Fact]
    public async Task A_read_that_times_out_is_retried()
    {
        simulator.Faults.Delay(TimeSpan.FromSeconds(30));

        var result = await harness.For(simulator).ReadAsync(Uuid, Ct);

        Assert.Equal(PowerState.Running, result.Server?.Power);
        Assert.Equal(2, simulator.Requests.Snapshot().Count);
    }

    [Fact]
    public async Task A_refused_connection_did_not_reach_the_provider()
    {
        var closedPort = ClosedPort();
        var account = new ProviderAccount("ns/gone", ProviderType.Wings, new Uri($"http://127.0.0.1:{closedPort}/"), new SecretValue("t0ken-never-shown"), null, 1);

        var outcome = await harness.Factory.Get(account).SendAsync(Uuid, ActionType.Kill, null, Ct);

        Assert.Equal(OutcomeKind.Unavailable, outcome.Kind);
        Assert.False(outcome.MayHaveReachedProvider);
    }

    [Fact]
    public async Task An_open_circuit_names_the_error_that_opened_it_and_the_PowerProvider()
    {
        using var breaking = new ProviderHarness(options =>
        {
            options.BreakerMinimumThroughput = 2;
            options.BreakerFailureRatio = 1.0;
            options.BreakerBreakDuration = TimeSpan.FromMinutes(5);
            options.MaxAttempts = 1;
        }, new FakeTimeProvider());
        // A host that never resolves (RFC 6761 reserves .invalid): the DNS failure is the root cause users need.
        var account = new ProviderAccount("games/heo-main", ProviderType.Wings, new Uri("http://no-such-host.invalid/"), new SecretValue("t0ken-never-shown"), null, 1);
        var provider = breaking.Factory.Get(account);
        var first = await provider.SendAsync(Uuid, ActionType.Start, null, Ct);
        await provider.SendAsync(Uuid, ActionType.Start, null, Ct);

        var whileOpen = await provider.SendAsync(Uuid, ActionType.Kill, null, Ct);

        Assert.StartsWith("circuit open", whileOpen.Message, StringComparison.Ordinal);
        Assert.Contains($"last error: {first.Message}", whileOpen.Message, StringComparison.Ordinal);
        Assert.Contains("PowerProvider \"heo-main\"", whileOpen.Message, StringComparison.Ordinal);
        Assert.Contains("kubectl describe powerprovider heo-main -n games", whileOpen.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("t0ken-never-shown", whileOpen.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_circuit_opens_after_repeated_failures_and_recovers()
    {
        var time = new FakeTimeProvider();
        using var breaking = new ProviderHarness(
            options =>
            {
                options.BreakerMinimumThroughput = 3;
                options.BreakerFailureRatio = 1.0;
                options.BreakerBreakDuration = TimeSpan.FromSeconds(30);
            },
            time);
        var provider = breaking.For(simulator);
        simulator.Faults.Respond(503, count: 3, body: """{"error":"down"}""");

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(OutcomeKind.Unavailable, (await provider.SendAsync(Uuid, ActionType.Kill, null, Ct)).Kind);
        }

        var whileOpen = await provider.SendAsync(Uuid, ActionType.Kill, null, Ct);
        var readWhileOpen = await provider.ReadAsync(Uuid, Ct);

        Assert.Equal(OutcomeKind.Unavailable, whileOpen.Kind);
        Assert.Contains("circuit open", whileOpen.Message, StringComparison.Ordinal);
        Assert.False(whileOpen.MayHaveReachedProvider);
        Assert.Equal(OutcomeKind.Unavailable, readWhileOpen.Outcome.Kind);
        Assert.Equal(3, simulator.Requests.Snapshot().Count);

        time.Advance(TimeSpan.FromSeconds(31));

        Assert.Equal(OutcomeKind.Accepted, (await provider.SendAsync(Uuid, ActionType.Kill, null, Ct)).Kind);
        Assert.Equal(OutcomeKind.Accepted, (await provider.ReadAsync(Uuid, Ct)).Outcome.Kind);
        Assert.Equal(5, simulator.Requests.Snapshot().Count);
    }

    [Fact]
    public async Task The_circuit_is_per_account()
    {
        var time = new FakeTimeProvider();
        using var breaking = new ProviderHarness(
            options =>
            {
                options.BreakerMinimumThroughput = 2;
                options.BreakerFailureRatio = 1.0;
            },
            time);
        var failing = breaking.Factory.Get(ProviderHarness.AccountFor(simulator, key: "ns/a"));
        var healthy = breaking.Factory.Get(ProviderHarness.AccountFor(simulator, key: "ns/b"));
        simulator.Faults.Respond(503, count: 2);

        await failing.SendAsync(Uuid, ActionType.Kill, null, Ct);
        await failing.SendAsync(Uuid, ActionType.Kill, null, Ct);

        Assert.Contains("circuit open", (await failing.SendAsync(Uuid, ActionType.Kill, null, Ct)).Message, StringComparison.Ordinal);
        Assert.Equal(OutcomeKind.Accepted, (await healthy.SendAsync(Uuid, ActionType.Kill, null, Ct)).Kind);
    }

    [Fact]
    public async Task The_token_bucket_answers_at_once_so_the_provider_never_answers_429()
    {
        await using var limited = await WingsSimulator.StartAsync(
            new SimulatorOptions { RateLimit = new SimulatorRateLimit(RequestsPerSecond: 10, Burst: 1) }, Ct);
        limited.Servers.Add(Uuid, SimPowerState.Running);
        using var noRetries = new ProviderHarness(options => options.MaxAttempts = 1);
        var provider = noRetries.For(limited, rateLimit: new RateLimitSpec { RequestsPerSecond = 0.5, Burst = 1 });

        var outcomes = new List<ProviderOutcome>();
        for (var i = 0; i < 4; i++)
        {
            outcomes.Add(await provider.ProbeAsync(Ct));
        }

        Assert.Equal(OutcomeKind.Accepted, outcomes[0].Kind);
        Assert.All(outcomes.Skip(1), outcome =>
        {
            Assert.Equal(OutcomeKind.RateLimited, outcome.Kind);
            Assert.True(outcome.NotSent);
            Assert.InRange(outcome.RetryAfter ?? TimeSpan.Zero, TimeSpan.FromMilliseconds(1), TimeSpan.FromSeconds(2));
        });
        Assert.Single(limited.Requests.Snapshot());
    }

    [Fact]
    public async Task Without_the_token_bucket_the_same_burst_meets_429()
    {
        await using var limited = await WingsSimulator.StartAsync(
            new SimulatorOptions { RateLimit = new SimulatorRateLimit(RequestsPerSecond: 0.1, Burst: 1) }, Ct);
        using var noRetries = new ProviderHarness(options => options.MaxAttempts = 1);
        var provider = noRetries.For(limited);

        await provider.ProbeAsync(Ct);
        var second = await provider.ProbeAsync(Ct);

        Assert.Equal(OutcomeKind.RateLimited, second.Kind);
        Assert.Equal([false, true], limited.Requests.Snapshot().Select(r => r.TooManyRequests));
        Assert.Equal(1, limited.TooManyRequestsAnswered);
    }

    private static async Task<ProviderOutcome> Call(IPowerProvider provider, string call) => call switch
    {
        "start" => await provider.SendAsync(Uuid, ActionType.Start, null, Ct),
        "stop" => await provider.SendAsync(Uuid, ActionType.Stop, null, Ct),
        _ => (await provider.ReadAsync(Uuid, Ct)).Outcome,
    };

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
