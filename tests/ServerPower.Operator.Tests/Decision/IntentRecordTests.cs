using ServerPower.Api.Resources;
using ServerPower.Api.Vocabulary;
using ServerPower.Operator.Decision;
using ServerPower.Providers.Contract;
using static ServerPower.Operator.Tests.Decision.Cases;

namespace ServerPower.Operator.Tests.Decision;

/// <summary>
/// Which actions are recorded (checked against resourceVersion) before they are sent: every destructive one and every
/// auto-stop, and a start or stop only where it replaces a stop still awaiting its effect (a kill could follow that one).
/// </summary>
public sealed class IntentRecordTests
{
    public enum Previous { None, StopAwaited, StopUncertain, StopSettled, StopFailed, StartAwaited, KillAwaited }

    [Theory]
    // action, one-shot token, auto-stop, the lastAction it replaces -> written first
    [InlineData(ActionType.Start, false, false, Previous.None, false)]
    [InlineData(ActionType.Start, false, false, Previous.StartAwaited, false)]
    [InlineData(ActionType.Start, false, false, Previous.StopSettled, false)]
    [InlineData(ActionType.Start, false, false, Previous.StopFailed, false)]
    [InlineData(ActionType.Start, false, false, Previous.KillAwaited, false)]
    [InlineData(ActionType.Start, false, false, Previous.StopAwaited, true)]
    [InlineData(ActionType.Start, false, false, Previous.StopUncertain, true)]
    [InlineData(ActionType.Stop, false, false, Previous.None, false)]
    [InlineData(ActionType.Stop, false, false, Previous.StartAwaited, false)]
    [InlineData(ActionType.Stop, false, false, Previous.StopSettled, false)]
    [InlineData(ActionType.Stop, false, false, Previous.StopAwaited, true)]
    [InlineData(ActionType.Stop, false, true, Previous.None, true)]
    [InlineData(ActionType.Kill, false, false, Previous.StopAwaited, true)]
    [InlineData(ActionType.Restart, true, false, Previous.None, true)]
    [InlineData(ActionType.Rebuild, true, false, Previous.None, true)]
    [InlineData(ActionType.Restart, false, false, Previous.None, true)]
    public void Written_first(ActionType type, bool token, bool autoStop, Previous previous, bool first)
    {
        var action = new PlannedAction(type, token ? "t1" : null, autoStop ? AutoStopReason.Idle : null);
        Assert.Equal(first, IntentRecord.Needed(action, Last(previous)));
    }

    [Fact]
    public void The_decider_sends_a_first_start_unrecorded_and_a_kill_recorded()
    {
        var start = Decide(Server(DesiredPowerState.Running), Observed(PowerState.Stopped));
        Assert.Equal(ActionType.Start, start.Action);
        Assert.False(start.Decision.Sent.RecordFirst);

        var stopAt = T0 - TimeSpan.FromMinutes(10);
        var stopping = Server(DesiredPowerState.Stopped, new ServerPowerStatus { LastAction = Accepted(ActionType.Stop, stopAt) },
            s => s with { Stop = new StopSpec { GracePeriod = "1m", OnTimeout = StopTimeoutAction.Kill } });
        var kill = Decide(stopping, Observed(PowerState.Stopping, Wings));
        Assert.Equal(ActionType.Kill, kill.Action);
        Assert.True(kill.Decision.Sent.RecordFirst);
    }

    private static LastAction? Last(Previous previous) => previous switch
    {
        Previous.None => null,
        Previous.StopAwaited => Accepted(ActionType.Stop, T0),
        Previous.StopUncertain => Accepted(ActionType.Stop, T0) with { Result = ActionResult.Uncertain },
        Previous.StopSettled => Accepted(ActionType.Stop, T0) with { SettledTime = T0 },
        Previous.StopFailed => Accepted(ActionType.Stop, T0) with { Result = ActionResult.Failed },
        Previous.StartAwaited => Accepted(ActionType.Start, T0),
        Previous.KillAwaited => Accepted(ActionType.Kill, T0),
        _ => throw new ArgumentOutOfRangeException(nameof(previous)),
    };
}
