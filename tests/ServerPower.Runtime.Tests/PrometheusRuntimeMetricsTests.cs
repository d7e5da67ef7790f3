using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Prometheus;
using ServerPower.Runtime;

namespace ServerPower.Runtime.Tests;

/// <summary>The runtime's metrics under controller-runtime's and client-go's names, driven by a real queue and controller.</summary>
public sealed class PrometheusRuntimeMetricsTests
{
    private static readonly ObjectKey A = new("ns", "a");
    private static readonly ObjectKey B = new("ns", "b");
    private readonly FakeTimeProvider time = new();
    private CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<string> ScrapeAsync(CollectorRegistry registry)
    {
        using var stream = new MemoryStream();
        await registry.CollectAndExportAsTextAsync(stream, TestContext.Current.CancellationToken);
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    [Fact]
    public async Task A_controller_its_queue_and_the_lease_are_exported_under_controller_runtime_names_from_their_start()
    {
        var registry = Metrics.NewCustomRegistry();
        var metrics = new PrometheusRuntimeMetrics(registry);
        using var queue = new WorkQueue("serverpower", null, time, metrics);
        _ = new Controller("serverpower", queue, new RecordingReconciler((_, _, _) => Task.FromResult(ReconcileResult.Done)),
            () => [], new ControllerOptions { Workers = 6 }, NullLogger.Instance, metrics, time);
        _ = new LeaderElection(new LeaderElectionOptions { Enabled = false, LeaseName = "my-lease" }, null, NullLogger.Instance, metrics, time);

        var text = await ScrapeAsync(registry);

        Assert.Contains("controller_runtime_max_concurrent_reconciles{controller=\"serverpower\"} 6", text);
        Assert.Contains("controller_runtime_active_workers{controller=\"serverpower\"} 0", text);
        Assert.Contains("controller_runtime_reconcile_errors_total{controller=\"serverpower\"} 0", text);
        foreach (var result in new[] { "success", "requeue_after", "conflict", "error" })
            Assert.Contains($"controller_runtime_reconcile_total{{controller=\"serverpower\",result=\"{result}\"}} 0", text);
        foreach (var name in new[] { "workqueue_depth", "workqueue_adds_total", "workqueue_retries_total",
                     "workqueue_unfinished_work_seconds", "workqueue_longest_running_processor_seconds" })
            Assert.Contains($"{name}{{controller=\"serverpower\",name=\"serverpower\"}} 0", text);
        Assert.Contains("leader_election_master_status{name=\"my-lease\"} 0", text);
    }

    [Fact]
    public async Task Queue_time_work_time_and_the_work_in_progress_are_measured_on_the_queue_clock()
    {
        var registry = Metrics.NewCustomRegistry();
        var metrics = new PrometheusRuntimeMetrics(registry);
        using var queue = new WorkQueue("serverpower", null, time, metrics);

        queue.Add(A);
        queue.Add(A); // already queued: not an add
        queue.Add(B);
        Assert.Contains("workqueue_depth{controller=\"serverpower\",name=\"serverpower\"} 2", await ScrapeAsync(registry));
        time.Advance(TimeSpan.FromSeconds(3));
        Assert.Equal(A, await queue.GetAsync(Ct));
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(B, await queue.GetAsync(Ct));
        time.Advance(TimeSpan.FromSeconds(7));

        // A held for 9 s, B for 7 s: 16 s unfinished, the longest 9 s.
        var held = await ScrapeAsync(registry);
        Assert.Contains("workqueue_unfinished_work_seconds{controller=\"serverpower\",name=\"serverpower\"} 16", held);
        Assert.Contains("workqueue_longest_running_processor_seconds{controller=\"serverpower\",name=\"serverpower\"} 9", held);
        Assert.Contains("workqueue_adds_total{controller=\"serverpower\",name=\"serverpower\"} 2", held);
        // Queued 3 s and 5 s: both in the 10 s bucket, neither in the 1 s one; the sum is exact.
        Assert.Contains("workqueue_queue_duration_seconds_sum{controller=\"serverpower\",name=\"serverpower\"} 8", held);
        Assert.Contains("workqueue_queue_duration_seconds_bucket{controller=\"serverpower\",name=\"serverpower\",le=\"1\"} 0", held);
        Assert.Contains("workqueue_queue_duration_seconds_bucket{controller=\"serverpower\",name=\"serverpower\",le=\"10\"} 2", held);

        queue.Done(A);
        queue.AddRateLimited(B);
        var done = await ScrapeAsync(registry);
        Assert.Contains("workqueue_work_duration_seconds_sum{controller=\"serverpower\",name=\"serverpower\"} 9", done);
        Assert.Contains("workqueue_unfinished_work_seconds{controller=\"serverpower\",name=\"serverpower\"} 7", done);
        Assert.Contains("workqueue_longest_running_processor_seconds{controller=\"serverpower\",name=\"serverpower\"} 7", done);
        Assert.Contains("workqueue_retries_total{controller=\"serverpower\",name=\"serverpower\"} 1", done);
    }

    [Fact]
    public async Task Reconcile_results_errors_durations_and_the_lease_are_counted()
    {
        var registry = Metrics.NewCustomRegistry();
        var metrics = new PrometheusRuntimeMetrics(registry);
        metrics.ReconcileCompleted("serverpower", "error", TimeSpan.FromMilliseconds(20));
        metrics.ReconcileCompleted("serverpower", "conflict", TimeSpan.FromMilliseconds(20));
        metrics.ReconcileCompleted("serverpower", "success", TimeSpan.FromMilliseconds(20));
        metrics.ActiveWorkersChanged("serverpower", 1);
        metrics.ActiveWorkersChanged("serverpower", 1);
        metrics.ActiveWorkersChanged("serverpower", -1);
        metrics.LeaderChanged("serverpower-operator", true);

        var text = await ScrapeAsync(registry);

        Assert.Contains("controller_runtime_reconcile_total{controller=\"serverpower\",result=\"error\"} 1", text);
        Assert.Contains("controller_runtime_reconcile_total{controller=\"serverpower\",result=\"conflict\"} 1", text);
        Assert.Contains("controller_runtime_reconcile_errors_total{controller=\"serverpower\"} 1", text);
        Assert.Contains("controller_runtime_reconcile_time_seconds_count{controller=\"serverpower\"} 3", text);
        Assert.Contains("controller_runtime_active_workers{controller=\"serverpower\"} 1", text);
        Assert.Contains("leader_election_master_status{name=\"serverpower-operator\"} 1", text);
        Assert.DoesNotContain("serverpower_workqueue", text);
        Assert.DoesNotContain("serverpower_reconcile", text);
    }
}
