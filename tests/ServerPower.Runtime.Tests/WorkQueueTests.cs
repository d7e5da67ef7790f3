using Microsoft.Extensions.Time.Testing;
using ServerPower.Runtime;

namespace ServerPower.Runtime.Tests;

public sealed class WorkQueueTests
{
    private static readonly ObjectKey A = new("ns", "a");
    private static readonly ObjectKey B = new("ns", "b");
    private static readonly ObjectKey C = new("ns", "c");
    private readonly FakeTimeProvider time = new();
    private CancellationToken Ct => TestContext.Current.CancellationToken;

    private WorkQueue Queue(WorkQueueOptions? options = null) => new("test", options, time);

    [Fact]
    public async Task A_key_added_many_times_while_queued_is_handed_out_once()
    {
        using var queue = Queue();
        queue.Add(A);
        queue.Add(A);
        queue.Add(B);
        queue.Add(A);

        Assert.Equal(2, queue.Length);
        Assert.Equal(A, await queue.GetAsync(Ct));
        Assert.Equal(B, await queue.GetAsync(Ct));
        Assert.Equal(0, queue.Length);
    }

    [Fact]
    public async Task A_key_added_while_processing_is_handed_out_again_only_after_done()
    {
        using var queue = Queue();
        queue.Add(A);
        Assert.Equal(A, await queue.GetAsync(Ct));
        Assert.True(queue.IsProcessing(A));

        queue.Add(A);
        queue.Add(A);
        var second = queue.GetAsync(Ct);

        Assert.Equal(0, queue.Length);
        Assert.False(second.IsCompleted);
        queue.Done(A);
        Assert.Equal(A, await second.WaitAsync(Eventually.Deadline, Ct));
        queue.Done(A);
        Assert.Equal(0, queue.Length);
        Assert.False(queue.IsProcessing(A));
    }

    [Fact]
    public async Task Failures_back_off_per_key_doubling_up_to_the_cap_and_forget_resets()
    {
        using var queue = Queue(new WorkQueueOptions { MaxDelay = TimeSpan.FromMilliseconds(40) });
        TimeSpan[] expected = [Ms(5), Ms(10), Ms(20), Ms(40), Ms(40)];
        foreach (var delay in expected) await AssertReadyAfter(queue, delay);
        Assert.Equal(5, queue.NumRequeues(A));

        queue.Forget(A);

        Assert.Equal(0, queue.NumRequeues(A));
        await AssertReadyAfter(queue, Ms(5));
    }

    [Fact]
    public async Task Backoff_is_per_key()
    {
        using var queue = Queue();
        await AssertReadyAfter(queue, Ms(5));
        queue.AddRateLimited(A);

        queue.AddRateLimited(B);
        time.Advance(Ms(5));

        Assert.True(queue.IsWaiting(A));
        Assert.False(queue.IsWaiting(B));
    }

    [Fact]
    public void The_overall_token_bucket_limits_requeues_of_all_keys()
    {
        using var queue = Queue(new WorkQueueOptions { BaseDelay = Ms(1), QueriesPerSecond = 1, Burst = 2 });
        queue.AddRateLimited(A);
        queue.AddRateLimited(B);
        queue.AddRateLimited(C);

        time.Advance(Ms(1));
        Assert.Equal(2, queue.Length);
        Assert.True(queue.IsWaiting(C));

        time.Advance(TimeSpan.FromSeconds(1) - Ms(2));
        Assert.True(queue.IsWaiting(C));
        time.Advance(Ms(1));
        Assert.False(queue.IsWaiting(C));
        Assert.Equal(3, queue.Length);
    }

    [Fact]
    public void AddAfter_adds_when_the_delay_passed_and_an_earlier_time_wins()
    {
        using var queue = Queue();
        queue.AddAfter(A, TimeSpan.FromSeconds(10));
        queue.AddAfter(A, TimeSpan.FromSeconds(20));
        queue.AddAfter(B, TimeSpan.FromSeconds(20));
        queue.AddAfter(B, TimeSpan.FromSeconds(5));
        Assert.Equal(2, queue.WaitingCount);

        time.Advance(TimeSpan.FromSeconds(5) - Ms(1));
        Assert.Equal(0, queue.Length);
        time.Advance(Ms(1));
        Assert.Equal(1, queue.Length);
        Assert.True(queue.IsWaiting(A));
        time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(2, queue.Length);
        Assert.Equal(0, queue.WaitingCount);
    }

    [Fact]
    public void AddAfter_with_no_delay_adds_at_once()
    {
        using var queue = Queue();
        queue.AddAfter(A, TimeSpan.Zero);
        Assert.Equal(1, queue.Length);
    }

    [Fact]
    public async Task ShutDown_releases_waiting_workers_and_ignores_new_keys()
    {
        using var queue = Queue();
        var waiting = queue.GetAsync(Ct);

        queue.ShutDown();
        queue.Add(A);

        Assert.Null(await waiting.WaitAsync(Eventually.Deadline, Ct));
        Assert.Null(await queue.GetAsync(Ct));
        Assert.Equal(0, queue.Length);
    }

    [Fact]
    public async Task A_cancelled_get_does_not_swallow_a_key()
    {
        using var queue = Queue();
        using var cts = new CancellationTokenSource();
        var cancelled = queue.GetAsync(cts.Token);
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);

        queue.Add(A);

        Assert.Equal(1, queue.Length);
        Assert.Equal(A, await queue.GetAsync(Ct));
    }

    [Fact]
    public void Depth_is_reported_to_the_metrics_hook()
    {
        var metrics = new RecordingMetrics();
        using var queue = new WorkQueue("servers", null, time, metrics);
        queue.Add(A);
        queue.Add(B);
        Assert.Equal(2, metrics.Depth("servers"));
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(1, 0)]
    public void A_token_bucket_that_could_never_give_a_token_is_refused(double queriesPerSecond, int burst)
    {
        var options = new WorkQueueOptions { QueriesPerSecond = queriesPerSecond, Burst = burst };

        Assert.Throws<ArgumentOutOfRangeException>(() => new WorkQueue("q", options, time));
    }

    [Fact]
    public async Task The_work_in_progress_is_the_sum_and_the_longest_of_what_the_workers_hold()
    {
        using var queue = Queue();
        Assert.Equal(new QueueInProgress(TimeSpan.Zero, TimeSpan.Zero), queue.InProgress());

        queue.Add(A);
        await queue.GetAsync(Ct);
        time.Advance(TimeSpan.FromSeconds(2));
        queue.Add(B);
        await queue.GetAsync(Ct);
        time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(new QueueInProgress(TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(3)), queue.InProgress());
    }

    [Fact]
    public void Work_queued_that_no_worker_takes_is_stalled_once_the_limit_has_passed()
    {
        using var queue = Queue();
        var limit = TimeSpan.FromMinutes(5);
        queue.Add(A);

        time.Advance(limit);
        Assert.False(queue.IsStalled(limit));
        time.Advance(Ms(1));
        Assert.True(queue.IsStalled(limit));
    }

    [Fact]
    public async Task A_background_add_is_counted_and_its_time_queued_measured()
    {
        var metrics = new RecordingMetrics();
        using var queue = new WorkQueue("q", null, time, metrics);

        queue.AddBackground(A);
        Assert.Equal(1, queue.Length);
        time.Advance(TimeSpan.FromSeconds(2));
        await queue.GetAsync(Ct);

        Assert.Equal(1, metrics.Adds);
        Assert.Equal([TimeSpan.FromSeconds(2)], metrics.Waits);
    }

    [Fact]
    public async Task A_key_handed_to_a_waiting_worker_is_held_and_its_times_are_measured()
    {
        var metrics = new RecordingMetrics();
        using var queue = new WorkQueue("q", null, time, metrics);
        var get = queue.GetAsync(Ct);

        queue.Add(A);
        Assert.True(queue.IsProcessing(A));
        Assert.Equal(A, await get.WaitAsync(Eventually.Deadline, Ct));
        time.Advance(TimeSpan.FromSeconds(3));
        queue.Done(A);

        Assert.Equal([TimeSpan.Zero], metrics.Waits);
        Assert.Equal([TimeSpan.FromSeconds(3)], metrics.Works);
    }

    [Fact]
    public async Task Keys_are_handed_out_in_the_order_they_were_added_after_re_adds_promotions_and_holds()
    {
        // A key queued and added again, taken, finished and added after C goes after C.
        using (var queue = Queue())
        {
            queue.Add(A);
            queue.Add(B);
            queue.Add(A);
            await TakeAndFinish(queue, A);
            queue.Add(C);
            queue.Add(A);
            Assert.Equal([B, C, A], await Drain(queue));
        }
        // The same for a key that came through the background queue first.
        using (var queue = Queue())
        {
            queue.AddBackground(A);
            await TakeAndFinish(queue, A);
            queue.Add(A);
            queue.Add(B);
            queue.Add(A);
            await TakeAndFinish(queue, A);
            queue.Add(C);
            queue.Add(A);
            Assert.Equal([B, C, A], await Drain(queue));
        }
        // And for a key added in the background while a worker held it.
        using (var queue = Queue())
        {
            queue.Add(A);
            Assert.Equal(A, await queue.GetAsync(Ct));
            queue.AddBackground(A);
            queue.Done(A);
            queue.Add(A);
            await TakeAndFinish(queue, A);
            queue.Add(C);
            queue.Add(A);
            Assert.Equal([C, A], await Drain(queue));
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void AddAfter_with_no_delay_adds_without_a_timer(int seconds)
    {
        var clock = new HeldClock();
        using var queue = new WorkQueue("q", null, clock);

        queue.AddAfter(A, TimeSpan.FromSeconds(seconds));

        Assert.Equal((1, 0), (queue.Length, queue.WaitingCount));
        Assert.Equal(Timeout.InfiniteTimeSpan, Assert.Single(clock.Timers).Due);
    }

    [Fact]
    public void A_timed_add_whose_moment_passed_while_it_was_scheduled_fires_at_once()
    {
        var clock = new HeldClock { Tick = TimeSpan.FromSeconds(1) };
        using var queue = new WorkQueue("q", null, clock);

        queue.AddAfter(A, Ms(500));

        Assert.Equal(TimeSpan.Zero, Assert.Single(clock.Timers).Due);
    }

    [Fact]
    public void A_shut_down_queue_waits_for_nothing_and_counts_no_retry()
    {
        var clock = new HeldClock();
        var metrics = new RecordingMetrics();
        var queue = new WorkQueue("q", null, clock, metrics);
        queue.AddAfter(A, TimeSpan.FromSeconds(5));
        var timer = Assert.Single(clock.Timers);
        Assert.Equal(TimeSpan.FromSeconds(5), timer.Due);

        queue.ShutDown();
        Assert.Equal((0, Timeout.InfiniteTimeSpan), (queue.WaitingCount, timer.Due));
        queue.AddAfter(B, TimeSpan.FromSeconds(5));
        queue.AddRateLimited(C);

        Assert.Equal(0, queue.WaitingCount);
        Assert.Equal(0, queue.NumRequeues(C));
        Assert.Equal(0, metrics.Retries);
        Assert.Equal(Timeout.InfiniteTimeSpan, timer.Due);
        Assert.False(timer.Disposed);
        queue.Dispose();
        Assert.True(timer.Disposed);
    }

    [Fact]
    public async Task Dispose_shuts_the_queue_down_and_releases_a_waiting_worker()
    {
        var queue = Queue();
        var waiting = queue.GetAsync(Ct);

        queue.Dispose();
        queue.Add(A);

        Assert.True(queue.IsShuttingDown);
        Assert.Equal(0, queue.Length);
        Assert.Null(await waiting.WaitAsync(Eventually.Deadline, Ct));
    }

    [Fact]
    public async Task A_key_finished_after_shut_down_stays_queued_and_goes_to_no_released_worker()
    {
        using var queue = Queue();
        queue.Add(A);
        Assert.Equal(A, await queue.GetAsync(Ct));
        queue.Add(A);
        var released = queue.GetAsync(Ct);

        queue.ShutDown();
        queue.Done(A);

        Assert.Null(await released.WaitAsync(Eventually.Deadline, Ct));
        Assert.False(queue.IsProcessing(A));
        Assert.Equal(1, queue.Length);
    }

    [Fact]
    public void The_snapshot_shows_the_queued_the_held_and_the_timed_keys()
    {
        using var queue = Queue();
        queue.AddAfter(B, TimeSpan.FromSeconds(1));
        queue.Add(A);
        queue.Add(C);
        Assert.True(queue.GetAsync(Ct).IsCompletedSuccessfully);
        queue.Add(A);

        var (dirty, processing, waiting) = queue.Snapshot();

        Assert.Equal([A, C], dirty.OrderBy(k => k.Name));
        Assert.Equal([A], processing);
        Assert.Equal(new Dictionary<ObjectKey, DateTimeOffset> { [B] = time.GetUtcNow() + TimeSpan.FromSeconds(1) }, waiting);
    }

    [ThreadStatic]
    private static bool adding;

    [Fact]
    public async Task Adding_a_key_never_runs_a_waiting_workers_code_inside_the_caller()
    {
        using var queue = Queue();
        var get = queue.GetAsync(Ct);
        var ranInsideAdd = get.ContinueWith(_ => adding, Ct, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

        adding = true;
        queue.Add(A);
        adding = false;

        Assert.False(await ranInsideAdd.WaitAsync(Eventually.Deadline, Ct));
    }

    [Fact]
    public async Task With_a_dispatcher_each_hand_off_is_dispatched_once_and_resumes_the_worker_inside_it()
    {
        var dispatched = new List<Action>();
        using var queue = new WorkQueue("q", null, time) { Dispatch = dispatched.Add };
        var first = queue.GetAsync(Ct);
        queue.Add(A);
        var second = queue.GetAsync(Ct);
        queue.Add(B);
        var third = queue.GetAsync(Ct);
        queue.ShutDown();

        Assert.Equal(3, dispatched.Count);
        Assert.False(first.IsCompleted);
        foreach (var handOff in dispatched) handOff();
        Assert.True(first.IsCompletedSuccessfully && second.IsCompletedSuccessfully && third.IsCompletedSuccessfully);
        Assert.Equal(A, await first);
        Assert.Equal(B, await second);
        Assert.Null(await third);
    }

    private async Task TakeAndFinish(WorkQueue queue, ObjectKey expected)
    {
        Assert.Equal(expected, await queue.GetAsync(Ct));
        queue.Done(expected);
    }

    private async Task<List<ObjectKey>> Drain(WorkQueue queue)
    {
        var order = new List<ObjectKey>();
        while (queue.Length > 0)
        {
            var key = (await queue.GetAsync(Ct))!.Value;
            order.Add(key);
            queue.Done(key);
        }
        return order;
    }

    private async Task AssertReadyAfter(WorkQueue queue, TimeSpan delay)
    {
        queue.AddRateLimited(A);
        time.Advance(delay - Ms(1));
        Assert.True(queue.IsWaiting(A), $"ready before {delay}");
        time.Advance(Ms(1));
        Assert.False(queue.IsWaiting(A), $"not ready after {delay}");
        Assert.Equal(1, queue.Length);
        var key = await queue.GetAsync(Ct);
        Assert.Equal(A, key);
        queue.Done(A);
    }

    private static TimeSpan Ms(int ms) => TimeSpan.FromMilliseconds(ms);
}

public sealed class WorkQueuePriorityTests
{
    private static ObjectKey K(int i) => new("ns", $"s{i}");

    [Fact]
    public async Task Work_a_person_caused_goes_ahead_of_background_work()
    {
        using var queue = new WorkQueue("q");
        for (var i = 0; i < 100; i++) queue.AddBackground(K(i));
        queue.Add(K(500));

        Assert.Equal(K(500), await queue.GetAsync(TestContext.Current.CancellationToken));
        Assert.Equal(K(0), await queue.GetAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_background_key_added_again_in_front_moves_to_the_front_and_is_handed_out_once()
    {
        using var queue = new WorkQueue("q");
        for (var i = 0; i < 5; i++) queue.AddBackground(K(i));
        queue.Add(K(3));

        var order = new List<ObjectKey>();
        for (var i = 0; i < 5; i++)
        {
            var key = (await queue.GetAsync(TestContext.Current.CancellationToken))!.Value;
            order.Add(key);
            queue.Done(key);
        }

        Assert.Equal([K(3), K(0), K(1), K(2), K(4)], order);
        Assert.Equal(0, queue.Length);
    }

    [Fact]
    public async Task The_depth_counts_each_queued_key_once_across_promotions_and_keys_added_while_held()
    {
        var metrics = new RecordingMetrics();
        using var queue = new WorkQueue("q", null, null, metrics);
        for (var i = 0; i < 5; i++) queue.AddBackground(K(i));
        queue.Add(K(3)); // promoted: its background entry stays behind, skipped when reached
        Assert.Equal((5, 5), (queue.Length, metrics.Depth("q")));

        var held = (await queue.GetAsync(TestContext.Current.CancellationToken))!.Value;
        Assert.Equal(K(3), held);
        queue.AddBackground(K(3)); // added again while a worker holds it: queued at Done, not before
        Assert.Equal((4, 4), (queue.Length, metrics.Depth("q")));

        queue.Done(K(3));
        Assert.Equal((5, 5), (queue.Length, metrics.Depth("q")));
    }

    [Fact]
    public async Task A_key_added_again_in_the_background_while_queued_or_held_is_counted_once()
    {
        var metrics = new RecordingMetrics();
        using var queue = new WorkQueue("q", null, null, metrics);
        queue.AddBackground(K(1));
        queue.AddBackground(K(1));
        Assert.Equal((1, 1), (queue.Length, metrics.Adds));

        Assert.Equal(K(1), await queue.GetAsync(TestContext.Current.CancellationToken));
        queue.AddBackground(K(1));
        queue.AddBackground(K(1));
        Assert.Equal((0, 2), (queue.Length, metrics.Adds));
        queue.Done(K(1));
        Assert.Equal(1, queue.Length);
    }

    [Fact]
    public async Task A_waiting_worker_gets_a_background_key_at_once()
    {
        using var queue = new WorkQueue("q");
        var get = queue.GetAsync(TestContext.Current.CancellationToken);
        queue.AddBackground(K(1));
        Assert.Equal(K(1), await get.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken));
    }
}

public sealed class WorkQueueStallTests
{
    [Fact]
    public async Task A_queue_whose_workers_finish_nothing_while_work_waits_is_stalled_and_recovers()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        using var queue = new WorkQueue("q", time: time);
        var limit = TimeSpan.FromMinutes(5);
        Assert.False(queue.IsStalled(limit));

        queue.Add(new ObjectKey("ns", "a"));
        var key = (await queue.GetAsync(TestContext.Current.CancellationToken))!.Value; // a worker takes it and hangs
        queue.Add(new ObjectKey("ns", "b"));
        time.Advance(TimeSpan.FromMinutes(4));
        Assert.False(queue.IsStalled(limit));
        time.Advance(TimeSpan.FromMinutes(2));
        Assert.True(queue.IsStalled(limit));

        queue.Done(key);
        Assert.False(queue.IsStalled(limit));
    }

    [Fact]
    public void An_idle_queue_is_never_stalled()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        using var queue = new WorkQueue("q", time: time);
        time.Advance(TimeSpan.FromHours(3));
        Assert.False(queue.IsStalled(TimeSpan.FromMinutes(5)));
    }
}
