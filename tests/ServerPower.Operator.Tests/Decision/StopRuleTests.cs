using ServerPower.Api.Resources;
using ServerPower.Api.Vocabulary;
using static ServerPower.Operator.Tests.Decision.Cases;
using static ServerPower.Operator.Tests.Decision.DecisionChecks;

namespace ServerPower.Operator.Tests.Decision;

/// <summary>Declared Stopped: a stop is awaited within the grace period, then escalated to a kill or sent again; a server in transition is stopped once that ends.</summary>
public sealed class StopRuleTests
{
    [Fact]
    public void At_the_end_of_the_stop_grace_period_the_kill_is_sent()
    {
        var status = new ServerPowerStatus { ObservedGeneration = 1, LastAction = Accepted(ActionType.Stop, T0.AddMinutes(-10)) };
        var server = Server(DesiredPowerState.Stopped, status, s => s with { Stop = new StopSpec { GracePeriod = "10m", OnTimeout = StopTimeoutAction.Kill } });
        var r = Checked(Decide(server, Observed(PowerState.Stopping, Wings)));
        Assert.Equal(ActionType.Kill, r.Action);
        Assert.Equal([(true, "StopTimedOut")], EventsOf(r.Decision));
        Assert.Contains("10m", Ready(r.Status).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(PowerState.Stopping, Reasons.Stopping)]
    [InlineData(PowerState.Running, Reasons.ActionPending)]
    public void Within_the_grace_period_a_stop_is_awaited(PowerState power, string reason)
    {
        var status = new ServerPowerStatus { ObservedGeneration = 1, Conditions = ReadyTrue(), LastAction = Accepted(ActionType.Stop, T0.AddMinutes(-1)) };
        var r = Checked(Decide(Server(DesiredPowerState.Stopped, status), Observed(power)));
        Assert.Null(r.Action);
        Assert.Equal(("False", reason), ReadyOf(r.Status));
    }

    [Theory]
    [InlineData(ActionType.Kill, StopTimeoutAction.Kill, true, "kill did not stop it")]
    [InlineData(ActionType.Stop, StopTimeoutAction.Kill, false, "has no kill")]
    [InlineData(ActionType.Stop, StopTimeoutAction.Wait, true, null)]
    public void A_stop_sent_again_after_the_grace_period_says_why_there_is_no_kill(ActionType last, StopTimeoutAction onTimeout, bool hasKill, string? why)
    {
        var status = new ServerPowerStatus { ObservedGeneration = 1, LastAction = Accepted(last, T0.AddMinutes(-11)) };
        var server = Server(DesiredPowerState.Stopped, status, s => s with { Stop = new StopSpec { GracePeriod = "10m", OnTimeout = onTimeout } });
        var r = Checked(Decide(server, Observed(PowerState.Stopping, hasKill ? Wings : Wenium)));
        Assert.Equal(ActionType.Stop, r.Action);
        Assert.Contains("still Stopping", Ready(r.Status).Message, StringComparison.Ordinal);
        var timedOut = Assert.Single(r.Decision.Events);
        Assert.Equal((true, "StopTimedOut"), (timedOut.Warning, timedOut.Reason));
        if (why is null) Assert.Matches("within [^;]+; sending stop again$", timedOut.Message);
        else Assert.Contains(why, timedOut.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_stop_the_provider_cannot_send_is_Unsupported_until_the_resync()
    {
        var r = Checked(Decide(Server(DesiredPowerState.Stopped), Observed(PowerState.Running, NoStop)));
        Assert.Null(r.Action);
        Assert.Equal(("False", Reasons.Unsupported), ReadyOf(r.Status));
        Assert.Equal(Settings.ResyncPeriod, r.Decision.RequeueAfter);
    }

    [Theory]
    [InlineData(PowerState.Starting, Reasons.Starting, null)]
    [InlineData(PowerState.Busy, Reasons.ActionPending, null)]
    [InlineData(PowerState.Running, Reasons.ActionPending, ActionType.Stop)]
    public void Declared_Stopped_a_server_in_transition_is_stopped_once_that_ends(PowerState power, string reason, ActionType? action)
    {
        var r = Checked(Decide(Server(DesiredPowerState.Stopped), Observed(power)));
        Assert.Equal(action, r.Action);
        Assert.Equal(("False", reason), ReadyOf(r.Status));
        // The user reads what the provider reported.
        Assert.Contains(power.ToString().ToLowerInvariant(), Ready(r.Status).Message, StringComparison.OrdinalIgnoreCase);
    }
}
