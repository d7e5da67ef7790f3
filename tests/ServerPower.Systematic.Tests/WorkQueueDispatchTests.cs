using ServerPower.Runtime;

namespace ServerPower.Systematic.Tests;

/// <summary>The work queue's Dispatch seam keeps the queue's promises when a hand-off and a cancellation race.</summary>
public sealed class WorkQueueDispatchTests
{
    private static readonly ObjectKey Key = new("ns", "a");

    [Fact]
    public async Task A_worker_cancelled_after_it_was_handed_a_key_still_gets_it_and_the_key_is_not_lost()
    {
        var steps = new List<Action>();
        using var queue = new WorkQueue("q") { Dispatch = steps.Add };
        using var stop = new CancellationTokenSource();
        var taking = queue.GetAsync(stop.Token);

        queue.Add(Key);
        stop.Cancel();
        Assert.False(taking.IsCompleted); // the hand-off waits for its step
        foreach (var step in steps) step();

        Assert.True(taking.IsCompletedSuccessfully);
        Assert.Equal(Key, await taking);
        Assert.True(queue.IsProcessing(Key));
        queue.Done(Key);
        Assert.False(queue.IsProcessing(Key));
    }

    [Fact]
    public void A_worker_cancelled_while_it_waits_is_cancelled_and_the_next_key_waits_in_the_queue()
    {
        var steps = new List<Action>();
        using var queue = new WorkQueue("q") { Dispatch = steps.Add };
        using var stop = new CancellationTokenSource();
        var taking = queue.GetAsync(stop.Token);

        stop.Cancel();
        queue.Add(Key);

        Assert.True(taking.IsCanceled);
        Assert.Empty(steps);
        Assert.Equal(1, queue.Length);
    }
}
