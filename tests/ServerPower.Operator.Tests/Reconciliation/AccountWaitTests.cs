using ServerPower.Api.Resources;

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
}
