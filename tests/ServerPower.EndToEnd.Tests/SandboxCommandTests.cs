using System.Diagnostics;
using ServerPower.EndToEnd.Tests.Infrastructure;

namespace ServerPower.EndToEnd.Tests;

/// <summary>
/// The README's second command, as a newcomer runs it: every sample becomes READY=True; its operator's /metrics then
/// exports every metric the chart's Grafana dashboard and alerting rules query, and the auto-stop sample stops once
/// nobody has played for its idleAfter.
/// </summary>
public sealed class SandboxCommandTests
{
    [Fact]
    public async Task The_sandbox_comes_up_with_every_sample_Ready_serves_health_and_the_metrics_the_chart_queries_and_auto_stops_its_idle_Minecraft_sample()
    {
        var dir = Directory.CreateTempSubdirectory("sandbox-").FullName;
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = dir, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "ServerPower.Sandbox.dll"), "--port", "0" })
            start.ArgumentList.Add(arg);
        using var sandbox = Process.Start(start)!;
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        sandbox.OutputDataReceived += (_, e) => { if (e.Data is not null) output.Enqueue(e.Data); };
        sandbox.ErrorDataReceived += (_, e) => { if (e.Data is not null) output.Enqueue(e.Data); };
        sandbox.BeginOutputReadLine();
        sandbox.BeginErrorReadLine();
        try
        {
            var kubeconfig = Path.Combine(dir, "sandbox.kubeconfig");
            await Eventually.WaitAsync(() => output.Any(l => l.Contains("sandbox is running", StringComparison.Ordinal)) || sandbox.HasExited,
                "the sandbox to start");
            Assert.False(sandbox.HasExited, string.Join('\n', output));
            Assert.True(File.Exists(kubeconfig), "the sandbox writes ./sandbox.kubeconfig where it was started");

            var kubectl = new Kubectl(kubeconfig);
            await kubectl.RunAsync("wait", "--for=condition=Ready", "serverpowers", "--all", "-A", "--timeout=120s");
            var table = await kubectl.RunAsync("get", "serverpowers", "-A");
            // The auto-stop sample may be on its way to its idle stop already (checked at the end): the other eight are Ready.
            Assert.Equal(8, table.Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Count(l => l.Contains(" True ", StringComparison.Ordinal) && !l.Contains("wenium-minecraft", StringComparison.Ordinal)));
            // The office-hours sample runs on weekdays from 08:00 to 18:00 in Berlin: whether it runs depends on the hour.
            var office = await kubectl.RunAsync("get", "serverpower", "wenium-office", "-n", "default", "-o", "jsonpath={.status.desiredState}");
            var running = office == "Running" ? 6 : 5;
            // The auto-stop sample runs until nobody has played for a minute (the sandbox's Minecraft fake has nobody
            // online): seen before and after the scrape, so a stop in between allows either count.
            async Task<bool> Minecraft() => await kubectl.RunAsync("get", "serverpower", "wenium-minecraft", "-n", "default", "-o",
                "jsonpath={.status.powerState}/{.status.conditions[?(@.type==\"Ready\")].reason}") == "Running/InDesiredState";
            var minecraftBefore = await Minecraft();

            var metrics = output.First(l => l.Contains("operator metrics/health:", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries).Last();
            using var http = new HttpClient();
            var address = metrics.Replace("[::]", "127.0.0.1", StringComparison.Ordinal);
            Assert.Equal("ok", await http.GetStringAsync(address + "/healthz", TestContext.Current.CancellationToken));
            var scrape = await http.GetStringAsync(address + "/metrics", TestContext.Current.CancellationToken);
            var minecraftAfter = await Minecraft();
            Assert.Contains(new[] { minecraftBefore, minecraftAfter }.Select(m => running + (m ? 1 : 0)),
                r => scrape.Contains($"serverpower_servers{{power_state=\"Running\",ready=\"True\"}} {r}\n", StringComparison.Ordinal));
            Assert.Contains("serverpower_provider_requests_total{account=\"default/wenium-main\",provider=\"Wenium\",operation=\"read_all\",method=\"GET\",status=\"2xx\"}", scrape);
            Assert.Contains("serverpower_provider_calls_total{account=\"default/wenium-main\",provider=\"Wenium\",operation=\"read\",outcome=\"Accepted\"}", scrape);
            Assert.Contains("controller_runtime_reconcile_total{controller=\"serverpower\",result=\"success\"}", scrape);

            // One server out of its desired state (suspended), so that the fleet's mismatch gauges have a series too.
            await kubectl.RunAsync("patch", "serverpower", "heo-vps", "-n", "default", "--type=merge", "-p", "{\"spec\":{\"suspend\":true}}");
            await kubectl.RunAsync("wait", "--for=condition=Ready=false", "serverpower/heo-vps", "-n", "default", "--timeout=120s");
            var after = await http.GetStringAsync(address + "/metrics", TestContext.Current.CancellationToken);
            Assert.Contains("serverpower_servers_not_in_desired_state{namespace=\"default\",reason=\"Suspended\"} 1", after);
            var exported = after.Split('\n').Where(l => l.Length > 0 && l[0] != '#').Select(l => l[..l.IndexOfAny(['{', ' '])]).ToHashSet();
            var queried = ChartQueries.DashboardQueries().Concat(ChartQueries.RuleTemplateExpressions()).SelectMany(PromQl.MetricNames).ToHashSet();
            Assert.Contains("serverpower_servers_not_in_desired_state_max_seconds", queried);
            Assert.Contains("workqueue_longest_running_processor_seconds", queried);
            queried.Remove("up"); // Prometheus's own, for the operator-absent alert
            Assert.Empty(queried.Except(exported).Order());

            // The auto-stop sample against the sandbox's Minecraft fake (nobody online): stopped for Idle, Ready AutoStopped.
            await Eventually.WaitAsync(() => kubectl.RunAsync("get", "serverpower", "wenium-minecraft", "-n", "default", "-o",
                "jsonpath={.status.autoStop.reason}/{.status.powerState}/{.status.conditions[?(@.type==\"Ready\")].reason}"),
                v => v == "Idle/Stopped/AutoStopped", "wenium-minecraft auto-stopped for Idle");
        }
        finally
        {
            sandbox.Kill(entireProcessTree: true);
            await sandbox.WaitForExitAsync(TestContext.Current.CancellationToken);
            Directory.Delete(dir, recursive: true);
        }
    }
}
