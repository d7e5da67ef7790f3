using ServerPower.Api.Resources;
using ServerPower.Api.Vocabulary;
using ServerPower.Operator.Decision;
using ServerPower.Providers.Contract;
using static ServerPower.Operator.Tests.Decision.Cases;

namespace ServerPower.Operator.Tests.Decision;

/// <summary>
/// While an account waits out a provider's Retry-After, a server with nothing to do keeps its status (no write per
/// server), but one whose declaration changed says so: Synced=False RateLimited, not the old "in desired state".
/// Found by the reliability suite's "429 with Retry-After: 3600" row.
/// </summary>
public sealed class ThrottledAccountTests
{
    private static readonly ProviderView ThrottledForAnHour =
        new ProviderView.Resolved(ProviderType.Wenium, Wenium, null, null, TimeSpan.FromHours(1));

    private static ServerPowerStatus Settled() => Decide(Server(), Observed(PowerState.Running)).Status;

    [Fact]
    public void A_declared_state_changed_while_the_account_is_throttled_is_reported_RateLimited_and_nothing_is_sent()
    {
        var server = Server(DesiredPowerState.Stopped, Settled());
        server.Metadata.Generation = 2;

        var r = Decide(server, ThrottledForAnHour);

        Assert.Null(r.Action);
        Assert.Equal(Reasons.RateLimited, Synced(r.Status)?.Reason);
        Assert.Equal(TimeSpan.FromHours(1), r.Decision.RequeueAfter);
    }

    [Fact]
    public void A_new_token_while_the_account_is_throttled_is_reported_RateLimited_and_stays_new()
    {
        var r = Decide(Server(status: Settled(), annotations: Restart("t1")), ThrottledForAnHour);

        Assert.Null(r.Action);
        Assert.Equal(Reasons.RateLimited, Synced(r.Status)?.Reason);
        Assert.Null(r.Status.Restart);
    }

    [Fact]
    public void A_settled_server_keeps_its_status_while_the_account_is_throttled()
    {
        var settled = Settled();

        var r = Decide(Server(status: settled), ThrottledForAnHour);

        Assert.Null(r.Action);
        Assert.Equal(Synced(settled), Synced(r.Status));
        Assert.Equal(Ready(settled), Ready(r.Status));
    }
}
