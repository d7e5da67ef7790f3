using ServerPower.Operator.Probing;

namespace ServerPower.Operator.Tests.Probing;

/// <summary>A namespace's own slots, taken before the shared ones, and forgotten when the namespace's last probe ends.</summary>
public sealed class NamespaceSlotsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_namespace_runs_one_probe_per_slot_the_next_when_one_ends_and_is_forgotten_after_the_last()
    {
        var slots = new NamespaceSlots(1);
        var first = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var secondRan = false;

        var running = slots.RunAsync("games", () => first.Task, Ct);
        var waiting = slots.RunAsync("games", () =>
        {
            secondRan = true;
            return Task.CompletedTask;
        }, Ct);
        Assert.False(secondRan);
        Assert.Equal(1, slots.Count);

        first.SetResult();
        await Task.WhenAll(running, waiting).WaitAsync(TimeSpan.FromSeconds(30), Ct);

        Assert.True(secondRan);
        Assert.Equal(0, slots.Count);
    }

    [Fact]
    public async Task A_probe_cancelled_while_it_waits_for_its_namespace_never_runs()
    {
        var slots = new NamespaceSlots(1);
        var first = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var cancel = new CancellationTokenSource();
        var cancelledRan = false;
        var running = slots.RunAsync("games", () => first.Task, Ct);
        var cancelled = slots.RunAsync("games", () =>
        {
            cancelledRan = true;
            return Task.CompletedTask;
        }, cancel.Token);

        await cancel.CancelAsync();
        await cancelled.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        Assert.False(cancelledRan);
        Assert.Equal(1, slots.Count);

        first.SetResult();
        await running.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        Assert.Equal(0, slots.Count);
    }
}
