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

    /// <summary>controller-runtime's and client-go's help texts, word for word, and their histogram buckets.</summary>
    [Fact]
    public async Task Each_series_carries_the_help_text_and_buckets_of_the_runtime_it_is_named_after()
    {
        var registry = Metrics.NewCustomRegistry();
        var metrics = new PrometheusRuntimeMetrics(registry);
        metrics.TrackInProgress("q", () => new QueueInProgress(TimeSpan.Zero, TimeSpan.Zero));
        metrics.ControllerWorkers("c", 1);
        metrics.LeaderChanged("lease", false);
        metrics.ReconcileCompleted("c", "success", TimeSpan.FromSeconds(0.004));
        metrics.QueueTaken("q", TimeSpan.FromTicks(1));
        metrics.QueueDone("q", TimeSpan.FromTicks(1));

        var help = (await ScrapeAsync(registry)).Split('\n').Where(l => l.StartsWith("# HELP ", StringComparison.Ordinal)).Order(StringComparer.Ordinal);

        Assert.Equal([
            "# HELP controller_runtime_active_workers Number of currently used workers per controller.",
            "# HELP controller_runtime_max_concurrent_reconciles Maximum number of concurrent reconciles per controller.",
            "# HELP controller_runtime_reconcile_errors_total Total number of reconciliation errors per controller.",
            "# HELP controller_runtime_reconcile_time_seconds Length of time per reconciliation per controller.",
            "# HELP controller_runtime_reconcile_total Total number of reconciliations per controller.",
            "# HELP leader_election_master_status Gauge of if the reporting system is master of the relevant lease, 0 indicates backup, 1 indicates master.",
            "# HELP workqueue_adds_total Total number of adds handled by workqueue.",
            "# HELP workqueue_depth Current depth of workqueue.",
            "# HELP workqueue_longest_running_processor_seconds How many seconds has the longest running processor for workqueue been running.",
            "# HELP workqueue_queue_duration_seconds How long in seconds an item stays in workqueue before being requested.",
            "# HELP workqueue_retries_total Total number of retries handled by workqueue.",
            "# HELP workqueue_unfinished_work_seconds How many seconds of work has been done that is in progress and hasn't been observed by work_duration. Large values indicate stuck threads.",
            "# HELP workqueue_work_duration_seconds How long in seconds processing an item from workqueue takes.",
        ], help);
        var text = await ScrapeAsync(registry);
        string[] Bounds(string histogram) => [.. text.Split('\n').Where(l => l.StartsWith(histogram + "_bucket{", StringComparison.Ordinal))
            .Select(l => l[(l.IndexOf("le=\"", StringComparison.Ordinal) + 4)..l.LastIndexOf('"')])];
        // controller-runtime's reconcile buckets: 5 ms doubling, 14 of them; client-go's queue buckets: 10 ns to 1,000 s by tens.
        Assert.Equal(["0.005", "0.01", "0.02", "0.04", "0.08", "0.16", "0.32", "0.64", "1.28", "2.56", "5.12", "10.24", "20.48", "40.96", "+Inf"],
            Bounds("controller_runtime_reconcile_time_seconds"));
        string[] queueBounds = ["1e-08", "1e-07", "1e-06", "1e-05", "0.0001", "0.001", "0.01", "0.1", "1", "10", "100", "1000", "+Inf"];
        Assert.Equal(queueBounds, Bounds("workqueue_queue_duration_seconds"));
        Assert.Equal(queueBounds, Bounds("workqueue_work_duration_seconds"));
    }
}
