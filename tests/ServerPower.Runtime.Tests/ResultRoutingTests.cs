using ServerPower.Runtime;

namespace ServerPower.Runtime.Tests;

/// <summary>What a finished reconcile does to its key, and the outcome label logs and metrics get.</summary>
public sealed class ResultRoutingTests
{
    private static readonly ObjectKey A = new("ns", "a");

    [Fact]
    public void A_conflict_backs_off_without_forgetting()
    {
        var queue = new RecordingTarget();

        Assert.Equal("conflict", ResultRouting.Apply(queue, A, ReconcileResult.Conflicted));
        Assert.Equal(["rate-limited ns/a"], queue.Calls);
    }

    [Fact]
    public void A_failure_backs_off_without_forgetting()
    {
        var queue = new RecordingTarget();

        Assert.Equal("error", ResultRouting.Apply(queue, A, ReconcileResult.Fail("boom")));
        Assert.Equal(["rate-limited ns/a"], queue.Calls);
    }

    [Fact]
    public void A_success_with_a_requeue_forgets_the_backoff_and_adds_the_key_after_the_delay()
    {
        var queue = new RecordingTarget();

        Assert.Equal("requeue_after", ResultRouting.Apply(queue, A, ReconcileResult.After(TimeSpan.FromSeconds(30))));
        Assert.Equal(["forget ns/a", "after 00:00:30 ns/a"], queue.Calls);
    }

    [Fact]
    public void A_success_forgets_the_backoff()
    {
        var queue = new RecordingTarget();

        Assert.Equal("success", ResultRouting.Apply(queue, A, ReconcileResult.Done));
        Assert.Equal(["forget ns/a"], queue.Calls);
    }

    private sealed class RecordingTarget : IRequeueTarget
    {
        public List<string> Calls { get; } = [];

        public void AddRateLimited(ObjectKey key) => Calls.Add($"rate-limited {key}");

        public void Forget(ObjectKey key) => Calls.Add($"forget {key}");

        public void AddAfter(ObjectKey key, TimeSpan delay) => Calls.Add($"after {delay} {key}");
    }
}
