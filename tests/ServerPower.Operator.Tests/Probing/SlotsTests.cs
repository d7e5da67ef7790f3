using ServerPower.Operator.Probing;

namespace ServerPower.Operator.Tests.Probing;

/// <summary>The schedule's shared slots: a SemaphoreSlim in the product, first-come-first-served steps under a dispatch.</summary>
public sealed class SlotsTests
{
    private readonly DispatchSteps steps = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_released_slot_lets_the_next_waiter_in()
    {
        using var slots = new Slots(1);
        await slots.WaitAsync(Ct);
        // Without a cancellation token, SemaphoreSlim hands out its own waiter task, which Release completes at once.
        var second = slots.WaitAsync(CancellationToken.None);
        Assert.False(second.IsCompleted);

        slots.Release();

        Assert.True(second.IsCompletedSuccessfully);
    }

    [Fact]
    public void Under_a_dispatch_each_release_hands_the_slot_to_the_first_waiter_as_a_step()
    {
        using var slots = new Slots(2, steps.Dispatch);
        Assert.True(slots.WaitAsync(Ct).IsCompletedSuccessfully);
        Assert.True(slots.WaitAsync(Ct).IsCompletedSuccessfully);
        var third = slots.WaitAsync(Ct);
        var fourth = slots.WaitAsync(Ct);
        steps.RunAll();
        Assert.False(third.IsCompleted);

        slots.Release();
        Assert.False(third.IsCompleted);
        steps.RunAll();
        Assert.True(third.IsCompletedSuccessfully);
        Assert.False(fourth.IsCompleted);

        slots.Release();
        steps.RunAll();
        Assert.True(fourth.IsCompletedSuccessfully);

        // With no one waiting, releases free the slots again: two, not more.
        slots.Release();
        slots.Release();
        Assert.True(slots.WaitAsync(Ct).IsCompletedSuccessfully);
        Assert.True(slots.WaitAsync(Ct).IsCompletedSuccessfully);
        Assert.False(slots.WaitAsync(Ct).IsCompleted);
    }

    [Fact]
    public void Under_a_dispatch_a_waiter_cancelled_is_cancelled_as_a_step_and_the_slot_goes_past_it()
    {
        using var slots = new Slots(1, steps.Dispatch);
        using var cancel = new CancellationTokenSource();
        Assert.True(slots.WaitAsync(Ct).IsCompletedSuccessfully);
        var cancelled = slots.WaitAsync(cancel.Token);
        var behind = slots.WaitAsync(Ct);

        cancel.Cancel();
        steps.RunAll();
        Assert.True(cancelled.IsCanceled);
        Assert.False(behind.IsCompleted);

        slots.Release();
        steps.RunAll();
        Assert.True(behind.IsCompletedSuccessfully);
    }

    [Fact]
    public void Under_a_dispatch_a_wait_already_cancelled_takes_no_slot()
    {
        using var slots = new Slots(1, steps.Dispatch);

        Assert.True(slots.WaitAsync(new CancellationToken(canceled: true)).IsCanceled);

        Assert.True(slots.WaitAsync(Ct).IsCompletedSuccessfully);
    }
}
