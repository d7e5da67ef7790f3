using Microsoft.Extensions.Time.Testing;
using ServerPower.Api.Resources;
using ServerPower.Providers.Adapters;
using ServerPower.Providers.Contract;
using ServerPower.Providers.Resilience;
using ServerPower.Providers.Tests.Support;

namespace ServerPower.Providers.Tests;

/// <summary>
/// A server told its action may go holds the token it will use: asking again takes no second one, a read cannot take
/// it, another server waits, and an unused reservation is dropped after <see cref="ActionReservations.Expiry"/>.
/// </summary>
public sealed class ActionReservationTests : IDisposable
{
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly ProviderHarness harness;
    private readonly ProviderPipeline pipeline;

    public ActionReservationTests()
    {
        harness = new ProviderHarness(options => options.MaxAttempts = 1, time);
        var account = new ProviderAccount("ns/main", ProviderType.Wings, new Uri("https://127.0.0.1:1/"), new SecretValue("token"),
            new RateLimitSpec { RequestsPerSecond = 0.01, Burst = 1 }, 4);
        pipeline = ((HttpPowerProvider)harness.Factory.Get(account)).Pipeline;
    }

    public void Dispose() => harness.Dispose();

    private Task<ProviderOutcome> Act(string server) =>
        pipeline.ExecuteAsync(CallKind.DestructiveAction, _ => Task.FromResult(ProviderOutcome.Accepted()), CancellationToken.None, server);

    private Task<ProviderOutcome> Read() =>
        pipeline.ExecuteAsync(CallKind.Read, _ => Task.FromResult(ProviderOutcome.Accepted()), CancellationToken.None);

    [Fact]
    public async Task The_token_a_server_was_told_to_use_is_its_own_until_it_sends()
    {
        Assert.Null(pipeline.ActionWait("s1"));
        Assert.Null(pipeline.ActionWait("s1"));
        Assert.NotNull(pipeline.ActionWait("s2"));
        Assert.Equal(OutcomeKind.RateLimited, (await Read()).Kind);

        Assert.True((await Act("s1")).IsAccepted);
        Assert.Equal(OutcomeKind.RateLimited, (await Act("s1")).Kind);
    }

    [Fact]
    public async Task An_unused_reservation_is_dropped_and_its_token_stays_spent()
    {
        Assert.Null(pipeline.ActionWait("s1"));
        time.Advance(ActionReservations.Expiry);

        Assert.Equal(OutcomeKind.RateLimited, (await Act("s1")).Kind);
    }
}
