using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using ServerPower.Runtime;

namespace ServerPower.Runtime.Tests;

public sealed class ControllerTests
{
    private static readonly ObjectKey A = new("ns", "a");
    private static readonly ObjectKey B = new("ns", "b");
    private readonly FakeTimeProvider time = new();
    private CancellationToken Ct => TestContext.Current.CancellationToken;

    private (Controller Controller, WorkQueue Queue) Build(IReconciler reconciler, IReadOnlyList<ObjectKey>? known = null,
        ControllerOptions? options = null, Random? random = null, IRuntimeMetrics? metrics = null)
    {
        var queue = new WorkQueue("test", null, time, metrics);
        var controller = new Controller("test", queue, reconciler, () => known ?? [], options, NullLogger.Instance,
            metrics, time, random);
        return (controller, queue);
    }

    [Fact]
    public async Task A_key_handed_to_a_worker_as_the_controller_stops_is_not_reconciled_and_stays_queued_for_the_next_run()
    {
        var dispatched = new Queue<Action>();
        var reconciler = new RecordingReconciler();
        var queue = new WorkQueue("test", null, time) { Dispatch = dispatched.Enqueue };
        var controller = new Controller("test", queue, reconciler, () => [], new ControllerOptions { Workers = 1 },
            NullLogger.Instance, null, time) { Dispatch = dispatched.Enqueue };
        using var stopping = new CancellationTokenSource();

        var run = controller.RunAsync(stopping.Token);
        while (dispatched.TryDequeue(out var start)) start(); // the worker starts and waits for a key
        queue.Add(A); // handed to the waiting worker: it gets the key when the dispatcher runs the hand-off
        await stopping.CancelAsync();
        while (dispatched.TryDequeue(out var handoff)) handoff();
        await run.WaitAsync(Eventually.Deadline, Ct);

        Assert.Equal(0, reconciler.Calls(A));
        Assert.Equal(1, queue.Length);
    }

    [Fact]
    public async Task One_key_is_never_reconciled_concurrently_and_runs_once_more_after_being_added_during_a_reconcile()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var reconciler = new RecordingReconciler(async (key, call, _) =>
        {
            if (key == A && call == 1) await release.Task;
            return ReconcileResult.Done;
        });
        var (controller, queue) = Build(reconciler, options: new ControllerOptions { Workers = 4 });
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var run = controller.RunAsync(cts.Token);

        controller.Enqueue(A);
        await Eventually.Until(() => reconciler.Calls(A) == 1, "first reconcile of a");
        for (var i = 0; i < 5; i++) controller.Enqueue(A);
        controller.Enqueue(B);
        await Eventually.Until(() => reconciler.Calls(B) == 1, "b reconciled while a is busy");
        Assert.Equal(1, reconciler.Calls(A));
        Assert.Equal(0, queue.Length);

        release.SetResult();
        await Eventually.Until(() => reconciler.Calls(A) == 2 && !queue.IsProcessing(A), "second reconcile of a");

        Assert.Equal(1, reconciler.MaxConcurrentPerKey);
        Assert.Equal(0, queue.Length);
        Assert.Equal(2, reconciler.Calls(A));
        await cts.CancelAsync();
        await run.WaitAsync(Eventually.Deadline, Ct);
    }

    [Fact]
    public async Task Active_workers_count_the_reconciles_in_flight_up_to_the_configured_workers()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var reconciler = new RecordingReconciler(async (_, _, _) =>
        {
            await release.Task;
            return ReconcileResult.Done;
        });
        var metrics = new RecordingMetrics();
        var (controller, _) = Build(reconciler, options: new ControllerOptions { Workers = 3 }, metrics: metrics);
        Assert.Equal(3, metrics.Workers);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var run = controller.RunAsync(cts.Token);

        controller.Enqueue(A);
        controller.Enqueue(B);
        await Eventually.Until(() => reconciler.Calls(A) == 1 && reconciler.Calls(B) == 1, "a and b in flight");
        Assert.Equal(2, metrics.Active);

        release.SetResult();
        await Eventually.Until(() => metrics.Reconciles.Count == 2, "both finished");
        Assert.Equal(0, metrics.Active);
        await cts.CancelAsync();
        await run.WaitAsync(Eventually.Deadline, Ct);
    }

    [Fact]
    public async Task Failures_requeue_with_doubling_backoff_and_success_forgets()
    {
        var reconciler = new RecordingReconciler((_, call, _) =>
            Task.FromResult(call <= 3 ? ReconcileResult.Fail("provider down") : ReconcileResult.Done));
        var metrics = new RecordingMetrics();
        var (controller, queue) = Build(reconciler, metrics: metrics);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var run = controller.RunAsync(cts.Token);

        controller.Enqueue(A);
        foreach (var (call, delay) in new[] { (1, 5), (2, 10), (3, 20) })
        {
            await Eventually.Until(() => reconciler.Calls(A) == call && queue.IsWaiting(A), $"failure {call} requeued");
            Assert.Equal(call, queue.NumRequeues(A));
            time.Advance(TimeSpan.FromMilliseconds(delay - 1));
            Assert.True(queue.IsWaiting(A), $"retry {call} came before {delay} ms");
            time.Advance(TimeSpan.FromMilliseconds(1));
        }
        await Eventually.Until(() => reconciler.Calls(A) == 4 && !queue.IsProcessing(A), "success");

        Assert.Equal(0, queue.NumRequeues(A));
        Assert.False(queue.IsWaiting(A));
        Assert.Equal(["error", "error", "error", "success"], metrics.Reconciles.Select(r => r.Result));
        await cts.CancelAsync();
        await run.WaitAsync(Eventually.Deadline, Ct);
    }

    [Fact]
    public async Task An_exception_is_a_failure_and_the_key_is_kept()
    {
        var reconciler = new RecordingReconciler((_, _, _) => throw new InvalidOperationException("boom"));
        var (controller, queue) = Build(reconciler);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var run = controller.RunAsync(cts.Token);

        controller.Enqueue(A);
        await Eventually.Until(() => queue.IsWaiting(A), "requeued after the exception");
        Assert.Equal(1, queue.NumRequeues(A));

        time.Advance(TimeSpan.FromMilliseconds(5));
        await Eventually.Until(() => reconciler.Calls(A) == 2 && queue.IsWaiting(A), "retried");
        Assert.Equal(2, queue.NumRequeues(A));
        await cts.CancelAsync();
        await run.WaitAsync(Eventually.Deadline, Ct);
    }

    [Fact]
    public async Task RequeueAfter_forgets_the_backoff_and_runs_again_after_the_delay()
    {
        var reconciler = new RecordingReconciler((_, call, _) =>
            Task.FromResult(call == 1 ? ReconcileResult.Fail("once") : ReconcileResult.After(TimeSpan.FromSeconds(30))));
        var (controller, queue) = Build(reconciler);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var run = controller.RunAsync(cts.Token);

        controller.Enqueue(A);
        await Eventually.Until(() => queue.IsWaiting(A), "failure requeued");
        time.Advance(TimeSpan.FromMilliseconds(5));
        await Eventually.Until(() => reconciler.Calls(A) == 2 && queue.IsWaiting(A) && !queue.IsProcessing(A), "requeue after");
        Assert.Equal(0, queue.NumRequeues(A));

        time.Advance(TimeSpan.FromSeconds(30) - TimeSpan.FromMilliseconds(1));
        Assert.True(queue.IsWaiting(A));
        time.Advance(TimeSpan.FromMilliseconds(1));
        await Eventually.Until(() => reconciler.Calls(A) == 3, "ran again after 30 s");
        await cts.CancelAsync();
        await run.WaitAsync(Eventually.Deadline, Ct);
    }

    [Theory]
    [InlineData(0.0, 270)]
    [InlineData(0.5, 300)]
    [InlineData(1.0, 330)]
    public void Resync_periods_spread_by_the_jitter(double random, int expectedSeconds)
    {
        var (controller, _) = Build(new RecordingReconciler(), random: new FixedRandom(random));
        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), controller.NextResyncDelay());
    }

    [Fact]
    public async Task Resync_enqueues_every_known_key_after_the_jittered_period()
    {
        var known = new List<ObjectKey> { A, B };
        var reconciler = new RecordingReconciler();
        var (controller, queue) = Build(reconciler, known, random: new FixedRandom(1.0));
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var run = controller.RunAsync(cts.Token);
        await Eventually.Until(() => reconciler.Calls(A) == 1 && reconciler.Calls(B) == 1 && queue.Length == 0
            && !queue.IsProcessing(A) && !queue.IsProcessing(B), "initial reconcile of every key");

        AdvanceSliceBySlice(TimeSpan.FromMinutes(5.5));

        await Eventually.Until(() => reconciler.Calls(A) == 2 && reconciler.Calls(B) == 2, "resync");
        known.Add(new ObjectKey("ns", "c"));
        AdvanceSliceBySlice(TimeSpan.FromMinutes(5.5));
        await Eventually.Until(() => reconciler.Calls(A) == 3 && reconciler.Calls(new ObjectKey("ns", "c")) == 1, "second resync");
        await cts.CancelAsync();
        await run.WaitAsync(Eventually.Deadline, Ct);
    }

    /// <summary>A resync slice fires once per advance of the fake clock, so a period is advanced a slice at a time.</summary>
    private void AdvanceSliceBySlice(TimeSpan period)
    {
        for (var i = 0; i < Controller.ResyncSlices; i++) time.Advance(period / Controller.ResyncSlices);
    }

    [Fact]
    public async Task A_resync_enqueues_each_key_once_per_period_in_its_own_slice_never_all_at_once()
    {
        var known = Enumerable.Range(0, 256).Select(i => new ObjectKey("ns", $"s{i}")).ToList();
        var reconciler = new RecordingReconciler();
        var (controller, queue) = Build(reconciler, known, random: new FixedRandom(0.5));
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var run = controller.RunAsync(cts.Token);
        await Eventually.Until(() => reconciler.TotalCalls == known.Count && queue.Length == 0 && known.All(k => !queue.IsProcessing(k)),
            "initial reconcile of every key");
        var slice = TimeSpan.FromMinutes(5) / Controller.ResyncSlices;

        for (var i = 0; i < Controller.ResyncSlices; i++)
        {
            time.Advance(slice);
            var expected = known.Count + known.Count(k => Controller.SliceOf(k) <= i);
            await Eventually.Until(() => reconciler.TotalCalls >= expected && queue.Length == 0, $"slice {i + 1}");
            // Only this slice's keys came: none of a later slice yet.
            Assert.Equal(expected, reconciler.TotalCalls);
        }

        Assert.All(known, k => Assert.Equal(2, reconciler.Calls(k)));
        await cts.CancelAsync();
        await run.WaitAsync(Eventually.Deadline, Ct);
    }

    /// <summary>
    /// A key's slice does not depend on the process (string hashes are randomized per process; the systematic tests'
    /// seeds did not replay in another process): these values hold in any run, and the slices are all used.
    /// </summary>
    [Fact]
    public void A_keys_resync_slice_is_the_same_in_every_process()
    {
        // XxHash32 of "namespace/name" modulo 32, worked out once.
        Assert.Equal([15, 5, 18],
            [Controller.SliceOf(new ObjectKey("games", "mc")), Controller.SliceOf(new ObjectKey("games", "web")), Controller.SliceOf(new ObjectKey("ops", "db"))]);
        var used = Enumerable.Range(0, 1000).Select(i => Controller.SliceOf(new ObjectKey("ns", $"s{i}"))).ToHashSet();
        Assert.Equal(Controller.ResyncSlices, used.Count);
    }

    [Fact]
    public async Task Stopping_lets_the_reconcile_in_flight_finish_and_takes_no_new_key()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        bool? cancelledAtEnd = null;
        var reconciler = new RecordingReconciler(async (key, _, ct) =>
        {
            if (key != A) return ReconcileResult.Done;
            await release.Task.WaitAsync(ct);
            cancelledAtEnd = ct.IsCancellationRequested;
            return ReconcileResult.Done;
        });
        var metrics = new RecordingMetrics();
        var (controller, queue) = Build(reconciler, options: new ControllerOptions { Workers = 2 }, metrics: metrics);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var run = controller.RunAsync(cts.Token);
        controller.Enqueue(A);
        await Eventually.Until(() => reconciler.Calls(A) == 1, "a in flight");

        await cts.CancelAsync();
        controller.Enqueue(B);
        release.SetResult();
        await run.WaitAsync(Eventually.Deadline, Ct);

        Assert.False(cancelledAtEnd);
        Assert.Equal(["success"], metrics.Reconciles.Select(r => r.Result));
        Assert.Equal(0, reconciler.Calls(B));
        Assert.Equal(1, queue.Length); // b, kept for the next run
        Assert.False(queue.IsProcessing(A));
    }

    [Fact]
    public async Task A_reconcile_that_outlasts_the_drain_timeout_is_cancelled_and_its_key_kept()
    {
        CancellationToken seen = default;
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var reconciler = new RecordingReconciler(async (_, _, ct) =>
        {
            seen = ct;
            started.TrySetResult();
            await Task.Delay(Timeout.Infinite, ct);
            return ReconcileResult.Done;
        });
        var options = new ControllerOptions { DrainTimeout = TimeSpan.FromSeconds(20) };
        var (controller, queue) = Build(reconciler, options: options);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var run = controller.RunAsync(cts.Token);
        controller.Enqueue(A);
        await started.Task.WaitAsync(Eventually.Deadline, Ct);

        await cts.CancelAsync();
        time.Advance(options.DrainTimeout - TimeSpan.FromMilliseconds(1));
        Assert.False(seen.IsCancellationRequested);
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(seen.IsCancellationRequested);
        await run.WaitAsync(Eventually.Deadline, Ct);

        Assert.Equal(1, queue.Length);
        Assert.False(queue.IsProcessing(A));
    }

    public static TheoryData<string, ControllerOptions> UnusableOptions => new()
    {
        { "no worker", new ControllerOptions { Workers = 0 } },
        { "a zero resync period", new ControllerOptions { ResyncPeriod = TimeSpan.Zero } },
        { "a negative drain timeout", new ControllerOptions { DrainTimeout = TimeSpan.FromTicks(-1) } },
    };

    [Theory]
    [MemberData(nameof(UnusableOptions))]
    public void Options_that_cannot_run_are_refused_when_the_controller_is_built(string why, ControllerOptions options)
    {
        var refused = Assert.Throws<ArgumentOutOfRangeException>(() => Build(new RecordingReconciler(), options: options));

        Assert.False(string.IsNullOrEmpty(refused.ParamName), why);
    }
}
