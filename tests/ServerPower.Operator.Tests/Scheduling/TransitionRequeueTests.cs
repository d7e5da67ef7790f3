using ServerPower.Operator.Scheduling;
using ServerPower.Runtime;

namespace ServerPower.Operator.Tests.Scheduling;

/// <summary>The requeue for a schedule transition or an override's end.</summary>
public sealed class TransitionRequeueTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);

    /// <summary>A transition due now (or just past) requeues after the shortest positive delay, never with a zero one.</summary>
    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    public void A_transition_due_now_requeues_after_1_ms(int secondsFromNow) =>
        Assert.Equal(TimeSpan.FromMilliseconds(1), TransitionRequeue.At(ReconcileResult.Done, Now.AddSeconds(secondsFromNow), Now).RequeueAfter);
}
