using ServerPower.Api.Resources;
using ServerPower.Api.Vocabulary;
using ServerPower.Operator.Decision;
using ServerPower.Providers.Contract;
using static ServerPower.Operator.Tests.Decision.Cases;

namespace ServerPower.Operator.Tests.Decision;

/// <summary>
/// Waits that come from the account rather than the server: a 429 wait that holds the whole account, and an action
/// the provider layer refused before any request left. Rows added where mutation testing found them unpinned.
/// </summary>
public sealed class AccountWaitDecisionTests
{
    [Theory]
    [InlineData(500, 2000)]   // shorter than the shortest poll: never sooner than MinPoll (2 s)
    [InlineData(10_000, 10_000)]
    public void A_throttled_account_decides_nothing_and_comes_back_when_the_wait_ends_but_not_sooner_than_the_shortest_poll(int waitMs, int requeueMs)
    {
        var view = new ProviderView.Resolved(ProviderType.Wenium, Wenium, null, null, ThrottledFor: TimeSpan.FromMilliseconds(waitMs));
        var status = new ServerPowerStatus { ObservedGeneration = 1, PowerState = PowerState.Stopped };

        var r = Decide(Server(status: status), view);

        Assert.Null(r.Action);
        Assert.False(r.Decision.Failed);
        Assert.Equal(TimeSpan.FromMilliseconds(requeueMs), r.Decision.RequeueAfter);
        Assert.Equal(PowerState.Stopped, r.Status.PowerState);
    }

    [Fact]
    public void A_429_whose_Retry_After_equals_the_shortest_poll_is_a_failure_that_backs_off()
    {
        var act = Decide(Server(DesiredPowerState.Stopped), Observed(PowerState.Running));
        var after = act.After(new ProviderOutcome(OutcomeKind.RateLimited, "slow down", Settings.MinPoll));
        Assert.True(after.Failed);

        var longer = act.After(new ProviderOutcome(OutcomeKind.RateLimited, "slow down", Settings.MinPoll + TimeSpan.FromSeconds(1)));
        Assert.False(longer.Failed);
        Assert.Equal(Settings.MinPoll + TimeSpan.FromSeconds(1), longer.RequeueAfter);
    }

    [Fact]
    public void A_rebuild_refused_before_sending_restores_the_rebuild_record_and_says_it_waits()
    {
        var earlierRestart = new OneShotStatus { Token = "r0", Phase = OneShotPhase.Done, Message = "ok" };
        var server = Server(status: new ServerPowerStatus { ObservedGeneration = 1, Restart = earlierRestart }, annotations: Rebuild("b1"));
        var sending = Decide(server, Observed(PowerState.Running, Wings));
        Assert.Equal(ActionType.Rebuild, sending.Action);

        var refused = sending.After(new ProviderOutcome(OutcomeKind.Unavailable, "circuit open", NotSent: true));

        Assert.Null(refused.Status.Rebuild);
        Assert.Equal(earlierRestart, refused.Status.Restart);
        Assert.Null(refused.Status.LastAction);
        Assert.True(refused.Failed);
        var synced = Synced(refused.Status)!;
        Assert.Equal((ConditionStatus.False, Reasons.ProviderUnavailable), (synced.Status, synced.Reason));
        Assert.Equal("Rebuild not sent yet: circuit open", synced.Message);
        var ready = Ready(refused.Status);
        Assert.Equal((ConditionStatus.False, Reasons.ActionPending, "Rebuild waits: circuit open"), (ready.Status, ready.Reason, ready.Message));
    }

    [Fact]
    public void A_start_refused_before_sending_keeps_the_last_action_recorded_for_this_server()
    {
        var stop = Accepted(ActionType.Stop, T0.AddMinutes(-10));
        var sending = Decide(Server(status: new ServerPowerStatus { ObservedGeneration = 1, LastAction = stop }), Observed(PowerState.Stopped));
        Assert.Equal(ActionType.Start, sending.Action);

        var refused = sending.After(new ProviderOutcome(OutcomeKind.Unavailable, "circuit open", NotSent: true));

        Assert.Equal(stop, refused.Status.LastAction);
    }

    [Fact]
    public void A_start_refused_before_sending_does_not_bring_back_a_last_action_sent_to_another_server()
    {
        var elsewhere = Accepted(ActionType.Stop, T0.AddMinutes(-10)) with { Target = "PowerProvider p (Wenium) server 2" };
        var sending = Decide(Server(status: new ServerPowerStatus { ObservedGeneration = 1, LastAction = elsewhere }), Observed(PowerState.Stopped));
        Assert.Equal(ActionType.Start, sending.Action);

        var refused = sending.After(new ProviderOutcome(OutcomeKind.Unavailable, "circuit open", NotSent: true));

        Assert.Null(refused.Status.LastAction);
    }
}
