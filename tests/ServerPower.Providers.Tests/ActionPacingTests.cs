using Microsoft.Extensions.Time.Testing;
using ServerPower.Api.Resources;
using ServerPower.Providers.Contract;
using ServerPower.RateLimiting;
using ServerPower.Providers.Resilience;
using ServerPower.Providers.Tests.Support;
using ServerPower.Sandbox.Providers;
using ServerPower.Sandbox.Providers.Core;
using ServerPower.Sandbox.Providers.Wings;

namespace ServerPower.Providers.Tests;

/// <summary>
/// Servers waiting for their account's rate limit each get a turn of their own, first come first served: a backlog
/// of N actions costs about N asks, not N each time a token comes, and the account never exceeds its rate.
/// </summary>
public sealed class ActionPacingTests
{
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public void Waiting_servers_get_distinct_turns_in_the_order_they_asked()
    {
        var (bucket, pacer) = Account(rate: 10, burst: 1);
        Assert.True(bucket.TryTake(out _));

        var waits = Enumerable.Range(0, 5).Select(i => pacer.Wait($"s{i}", bucket.Peek())!.Value).ToList();

        Assert.Equal(TimeSpan.FromMilliseconds(100), waits[0]);
        Assert.All(waits.Zip(waits.Skip(1)), pair => Assert.True(pair.Second - pair.First >= TimeSpan.FromMilliseconds(100),
            $"{pair.First} then {pair.Second}"));
        // Asking again before its turn keeps the turn.
        time.Advance(TimeSpan.FromMilliseconds(50));
        Assert.Equal(waits[3] - TimeSpan.FromMilliseconds(50), pacer.Wait("s3", bucket.Peek()));
        Assert.Equal(5, pacer.Waiting);
    }

    [Fact]
    public void A_newcomer_waits_behind_the_servers_already_waiting_even_when_a_token_is_free()
    {
        var (bucket, pacer) = Account(rate: 10, burst: 1);
        Assert.True(bucket.TryTake(out _));
        var first = pacer.Wait("a", bucket.Peek())!.Value;
        var second = pacer.Wait("b", bucket.Peek())!.Value;

        time.Advance(first);
        var newcomer = pacer.Wait("late", bucket.Peek());
        Assert.Null(pacer.Wait("a", bucket.Peek()));

        Assert.NotNull(newcomer);
        Assert.True(newcomer > second - first, $"newcomer {newcomer}, b due in {second - first}");
    }

    [Fact]
    public void A_due_server_that_finds_no_token_waits_only_for_the_next_one()
    {
        var (bucket, pacer) = Account(rate: 10, burst: 1);
        Assert.True(bucket.TryTake(out _));
        var wait = pacer.Wait("a", bucket.Peek())!.Value;
        for (var i = 0; i < 20; i++) pacer.Wait($"other{i}", bucket.Peek());

        time.Advance(wait);
        Assert.True(bucket.TryTake(out _)); // a read took the token that was due to "a"

        Assert.Equal(TimeSpan.FromMilliseconds(100), pacer.Wait("a", bucket.Peek()));
        time.Advance(TimeSpan.FromMilliseconds(100));
        Assert.Null(pacer.Wait("a", bucket.Peek()));
    }

    /// <summary>Found by the systematic search (pacer seed 1570, once batch reads took tokens there).</summary>
    [Fact]
    public void A_server_sent_back_for_a_token_goes_before_a_later_slot_that_came_due_meanwhile()
    {
        var (bucket, pacer) = Account(rate: 10, burst: 1);
        Assert.True(bucket.TryTake(out _));
        var first = pacer.Wait("a", bucket.Peek())!.Value;
        var second = pacer.Wait("b", bucket.Peek())!.Value;

        time.Advance(first);
        Assert.True(bucket.TryTake(out _)); // a read took the token that was due to "a"
        var again = pacer.Wait("a", bucket.Peek())!.Value;
        time.Advance(second - first > again ? second - first : again); // both due, one token

        Assert.NotNull(pacer.Wait("b", bucket.Peek())); // asks first, but "a" was due before it
        Assert.Null(pacer.Wait("a", bucket.Peek()));
        Assert.True(bucket.TryTake(out _));
        time.Advance(TimeSpan.FromMilliseconds(110));
        Assert.Null(pacer.Wait("b", bucket.Peek()));
    }

    [Fact]
    public void A_slot_due_for_more_than_two_intervals_is_not_waited_for()
    {
        var (bucket, pacer) = Account(rate: 10, burst: 1);
        Assert.True(bucket.TryTake(out _));
        var first = pacer.Wait("gone", bucket.Peek())!.Value;
        var second = pacer.Wait("b", bucket.Peek())!.Value;

        time.Advance(second + TimeSpan.FromMilliseconds(250)); // "gone" never came back

        Assert.Null(pacer.Wait("b", bucket.Peek()));
        Assert.True(second - first >= TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void Without_a_backlog_an_action_goes_at_once()
    {
        var (bucket, pacer) = Account(rate: 10, burst: 3);

        Assert.Null(pacer.Wait("a", bucket.Peek()));
        Assert.True(bucket.TryTake(out _));
        time.Advance(TimeSpan.FromMilliseconds(110));
        Assert.Null(pacer.Wait("b", bucket.Peek()));
        Assert.Equal(0, pacer.Waiting);
    }

    /// <summary>
    /// The token is taken when the action is sent, after the answer: two servers told to go at one instant could find
    /// one token, and the one refused lost its place to servers that came after it (systematic seed 1238).
    /// </summary>
    [Fact]
    public void Two_servers_asking_at_once_are_not_both_told_to_go()
    {
        var (bucket, pacer) = Account(rate: 10, burst: 3);

        Assert.Null(pacer.Wait("a", bucket.Peek()));
        var b = pacer.Wait("b", bucket.Peek()); // before "a" took its token
        Assert.NotNull(b);
        Assert.InRange(b.Value, TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(103));
    }

    [Fact]
    public void Turns_never_used_are_forgotten_after_the_expiry()
    {
        var (bucket, pacer) = Account(rate: 100, burst: 1);
        Assert.True(bucket.TryTake(out _));
        for (var i = 0; i < 1000; i++) pacer.Wait($"gone{i}", bucket.Peek());
        Assert.Equal(1000, pacer.Waiting);

        time.Advance(TimeSpan.FromSeconds(1000 / 98.0) + ActionPacer.Expiry + TimeSpan.FromSeconds(1));
        Assert.Null(pacer.Wait("new", bucket.Peek()));

        Assert.Equal(0, pacer.Waiting);
    }

    /// <summary>
    /// The property the pacer exists for, over generated fleets and rates: every server of a backlog that comes back
    /// when it is told is sent, in the order it first asked, with no more than two asks each, and no window of time
    /// sends more than the bucket allows.
    /// </summary>
    [Theory]
    [InlineData(1, 1, 7)]
    [InlineData(5, 3, 40)]
    [InlineData(50, 50, 2500)]
    [InlineData(1000, 2, 300)]
    public void A_backlog_costs_about_one_ask_per_server_and_keeps_the_rate(double rate, int burst, int servers)
    {
        var (bucket, pacer) = Account(rate, burst);
        var due = new PriorityQueue<string, (DateTimeOffset, int)>();
        var asks = 0;
        var sent = new List<(string Key, DateTimeOffset At)>();
        var sequence = 0;
        for (var i = 0; i < servers; i++) due.Enqueue($"s{i:D5}", (time.GetUtcNow(), sequence++));

        while (due.TryDequeue(out var key, out var at))
        {
            if (at.Item1 > time.GetUtcNow()) time.Advance(at.Item1 - time.GetUtcNow());
            asks++;
            if (pacer.Wait(key, bucket.Peek()) is { } wait)
            {
                due.Enqueue(key, (time.GetUtcNow() + wait, sequence++));
                continue;
            }
            Assert.True(bucket.TryTake(out _), $"{key} was told to go but found no token");
            sent.Add((key, time.GetUtcNow()));
        }

        Assert.Equal(Enumerable.Range(0, servers).Select(i => $"s{i:D5}"), sent.Select(s => s.Key));
        Assert.InRange(asks, servers, 2 * servers + 1);
        var elapsed = (sent[^1].At - sent[0].At).TotalSeconds;
        Assert.True(servers - burst <= elapsed * rate + 1, $"{servers} sent in {elapsed} s at {rate}/s");
        Assert.Equal(0, pacer.Waiting);
    }

    [Fact]
    public async Task The_provider_tells_a_waiting_server_its_turn_and_sends_when_it_comes()
    {
        await using var simulator = await WingsSimulator.StartAsync(new SimulatorOptions { RecordRequests = true }, TestContext.Current.CancellationToken);
        string[] ids = ["3f0c2a9e-0000-4000-8000-000000000001", "3f0c2a9e-0000-4000-8000-000000000002", "3f0c2a9e-0000-4000-8000-000000000003"];
        foreach (var id in ids) simulator.Servers.Add(id, SimPowerState.Offline);
        using var harness = new ProviderHarness(options => options.MaxAttempts = 1, time);
        var provider = harness.For(simulator, rateLimit: new RateLimitSpec { RequestsPerSecond = 1, Burst = 1 });

        Assert.Null(provider.ActionWait(ids[0]));
        Assert.Equal(OutcomeKind.Accepted, (await provider.SendAsync(ids[0], ActionType.Start, null, TestContext.Current.CancellationToken)).Kind);
        var second = provider.ActionWait(ids[1])!.Value;
        var third = provider.ActionWait(ids[2])!.Value;
        // The token comes in 1 s; the next slot a little later (slots are spaced for Share of the rate).
        Assert.InRange(second, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1 / ActionPacer.Share) + TimeSpan.FromTicks(1));
        Assert.True(third > second);

        time.Advance(second);
        Assert.Null(provider.ActionWait(ids[1]));
        Assert.Equal(OutcomeKind.Accepted, (await provider.SendAsync(ids[1], ActionType.Start, null, TestContext.Current.CancellationToken)).Kind);
        Assert.NotNull(provider.ActionWait(ids[2]));
        Assert.Equal(2, simulator.Requests.Matching("POST", "/power").Count);
    }

    private (TokenBucket Bucket, ActionPacer Pacer) Account(double rate, int burst) =>
        (new TokenBucket(rate, burst, time), new ActionPacer(rate, time));
}
