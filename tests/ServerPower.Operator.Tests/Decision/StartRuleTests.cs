using ServerPower.Api.Resources;
using ServerPower.Api.Vocabulary;
using static ServerPower.Operator.Tests.Decision.Cases;
using static ServerPower.Operator.Tests.Decision.DecisionChecks;

namespace ServerPower.Operator.Tests.Decision;

/// <summary>Declared Running: a start is awaited within its window, polled with its age, and sent again after it.</summary>
public sealed class StartRuleTests
{
    [Fact]
    public void At_the_end_of_the_start_window_a_start_is_sent_again_with_a_warning()
    {
        var status = new ServerPowerStatus { ObservedGeneration = 1, LastAction = Accepted(ActionType.Start, T0 - Settings.StartEffectTimeout) };
        var r = Checked(Decide(Server(status: status), Observed(PowerState.Stopped)));
        Assert.Equal(ActionType.Start, r.Action);
        Assert.Equal([(true, "StartTimedOut")], EventsOf(r.Decision));
        Assert.Contains("Stopped", Ready(r.Status).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void At_the_end_of_the_start_window_a_restart_seen_Running_all_along_is_settled()
    {
        var status = new ServerPowerStatus { ObservedGeneration = 1, PowerState = PowerState.Running, LastAction = Accepted(ActionType.Restart, T0 - Settings.StartEffectTimeout, "t1") };
        var r = Checked(Decide(Server(status: status), Observed(PowerState.Running)));
        Assert.Equal(T0, r.Status.LastAction?.SettledTime);
    }

    [Theory]
    [InlineData(3, 2)]
    [InlineData(60, 20)]
    [InlineData(240, 30)]
    public void While_a_start_is_awaited_polls_back_off_with_its_age_within_the_bounds(int secondsAgo, int pollSeconds)
    {
        var status = new ServerPowerStatus { ObservedGeneration = 1, LastAction = Accepted(ActionType.Start, T0.AddSeconds(-secondsAgo)) };
        var r = Checked(Decide(Server(status: status), Observed(PowerState.Starting)));
        Assert.Null(r.Action);
        Assert.Equal(TimeSpan.FromSeconds(pollSeconds), r.Decision.RequeueAfter);
    }

    [Fact]
    public void A_start_awaited_while_the_server_is_still_Stopped_says_what_it_waits_for()
    {
        var status = new ServerPowerStatus { ObservedGeneration = 1, LastAction = Accepted(ActionType.Start, T0.AddMinutes(-1)) };
        var r = Checked(Decide(Server(status: status), Observed(PowerState.Stopped)));
        Assert.Null(r.Action);
        Assert.Equal(("False", Reasons.ActionPending), ReadyOf(r.Status));
        Assert.Contains("Start accepted", Ready(r.Status).Message, StringComparison.Ordinal);
    }
}
