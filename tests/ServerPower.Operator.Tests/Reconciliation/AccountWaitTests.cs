using ServerPower.Api.Resources;
using ServerPower.Api.Vocabulary;
using ServerPower.Providers.Contract;

namespace ServerPower.Operator.Tests.Reconciliation;

/// <summary>An account that cannot send now (its rate limit, a 429 wait, no action slot) costs no write and holds no worker.</summary>
public sealed class AccountWaitTests
{
    [Fact]
    public async Task An_action_the_account_cannot_send_now_is_neither_recorded_nor_sent_and_comes_back_when_it_can()
    {
        var f = new ReconcilerFixture();
        f.AddServer(DesiredPowerState.Running, PowerState.Stopped);
        f.Provider.Wait = TimeSpan.FromMilliseconds(40);
        var writes = f.Kube.Writes.Count;

        var result = await f.ReconcileAsync();

        Assert.Empty(f.Provider.Sent);
        Assert.Equal(writes, f.Kube.Writes.Count);
        Assert.Equal(TimeSpan.FromMilliseconds(40), result.RequeueAfter);

        f.Provider.Wait = null;
        await f.ReconcileAsync();
        Assert.Equal([("1234", ActionType.Start)], f.Provider.Sent);
    }

    /// <summary>The provider layer's answer when the account's own spec.rateLimit has no token for a read.</summary>
    private static ProviderOutcome NoToken(TimeSpan due) => ProviderOutcome.Refused(
        OutcomeKind.RateLimited, "the account's own rate limit (spec.rateLimit 50/s) has no token now; nothing was sent", due) with { OwnLimit = true };

    // At 10,000 servers, reads and starts share each account's tokens: servers already Running flipped to Unknown
    // (Ready False ProviderError, Synced RateLimited) and back whenever a read found no token, half a status write
    // and an event per server while the fleet converged.
    [Fact]
    public async Task A_read_the_accounts_own_rate_limit_holds_back_for_a_moment_writes_nothing_and_comes_back_when_due()
    {
        var f = new ReconcilerFixture();
        f.AddServer(DesiredPowerState.Running, PowerState.Running);
        await f.ReconcileAsync();
        Assert.Equal(Reasons.InDesiredState, f.Condition(ConditionTypes.Ready)?.Reason);
        f.Provider.ReadAnswer = _ => NoToken(TimeSpan.FromMilliseconds(20));
        var (writes, events) = (f.Kube.Writes.Count, f.Events.Count);

        var result = await f.ReconcileAsync();

        Assert.Equal((writes, events), (f.Kube.Writes.Count, f.Events.Count));
        Assert.Equal(TimeSpan.FromMilliseconds(20), result.RequeueAfter);
        Assert.Equal(PowerState.Running, f.Server.Status?.PowerState);
    }

    [Fact]
    public async Task A_read_held_back_longer_than_the_shortest_poll_is_reported()
    {
        var f = new ReconcilerFixture();
        f.AddServer(DesiredPowerState.Running, PowerState.Running);
        await f.ReconcileAsync();
        f.Provider.ReadAnswer = _ => NoToken(f.Settings.MinPoll + TimeSpan.FromMilliseconds(1));

        await f.ReconcileAsync();

        Assert.Equal(Reasons.RateLimited, f.Condition(ConditionTypes.Synced)?.Reason);
    }

    [Fact]
    public async Task A_server_never_read_is_reported_even_when_its_read_is_held_back_for_a_moment()
    {
        var f = new ReconcilerFixture();
        f.AddServer(DesiredPowerState.Running, PowerState.Running);
        f.Provider.ReadAnswer = _ => NoToken(TimeSpan.FromMilliseconds(20));

        await f.ReconcileAsync();

        Assert.Equal(Reasons.RateLimited, f.Condition(ConditionTypes.Synced)?.Reason);
    }
}
