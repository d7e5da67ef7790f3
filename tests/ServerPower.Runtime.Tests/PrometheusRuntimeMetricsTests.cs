using Prometheus;
using ServerPower.Operator.Runtime;

namespace ServerPower.Runtime.Tests;

public sealed class PrometheusRuntimeMetricsTests
{
    [Fact]
    public async Task Exports_the_documented_metric_names()
    {
        var registry = Metrics.NewCustomRegistry();
        var metrics = new PrometheusRuntimeMetrics(registry);
        metrics.QueueDepth("serverpower", 3);
        metrics.ReconcileCompleted("serverpower", "error", TimeSpan.FromMilliseconds(20));
        metrics.LeaderChanged(true);

        using var stream = new MemoryStream();
        await registry.CollectAndExportAsTextAsync(stream, TestContext.Current.CancellationToken);
        var text = System.Text.Encoding.UTF8.GetString(stream.ToArray());

        Assert.Contains("serverpower_workqueue_depth{queue=\"serverpower\"} 3", text);
        Assert.Contains("serverpower_reconcile_total{controller=\"serverpower\",result=\"error\"} 1", text);
        Assert.Contains("serverpower_reconcile_duration_seconds_count{controller=\"serverpower\"} 1", text);
        Assert.Contains("serverpower_leader 1", text);
    }
}
