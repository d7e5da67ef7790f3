using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;
using ServerPower.EndToEnd.Tests.Infrastructure;
using ServerPower.TestSupport;

namespace ServerPower.EndToEnd.Tests;

/// <summary>
/// The recipe (src/ServerPower.Sandbox/README.md) for seeing the production default on this machine: the sandbox without its operator
/// (<c>--no-operator</c>), the operator run by hand with production flags (loopback refused but for
/// <c>--allowed-cidrs 127.0.0.1/32</c>), and a probe at the sandbox's listener on 127.0.0.2: the samples converge through
/// the simulators on 127.0.0.1, the probe is Synced=False EndpointNotAllowed, and the listener accepted no connection.
/// </summary>
public sealed partial class NoOperatorRecipeScenario
{
    [Fact]
    public async Task The_hand_run_operator_refuses_a_probe_at_127_0_0_2_before_connecting()
    {
        var kubeconfig = Path.Combine(Directory.CreateTempSubdirectory("no-operator-").FullName, "sandbox.kubeconfig");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "ServerPower.Sandbox.dll"), "--no-operator", "--kubeconfig", kubeconfig, "--api-port", "0", "--port", "0" })
            start.ArgumentList.Add(arg);
        using var sandbox = Process.Start(start)!;
        var lines = new ConcurrentQueue<string>();
        sandbox.OutputDataReceived += (_, e) => { if (e.Data is not null) lines.Enqueue(e.Data); };
        sandbox.ErrorDataReceived += (_, e) => { if (e.Data is not null) lines.Enqueue(e.Data); };
        sandbox.BeginOutputReadLine();
        sandbox.BeginErrorReadLine();
        try
        {
            var listener = await Eventually.WaitAsync(() => Task.FromResult(lines.Select(l => RefusedListener().Match(l)).FirstOrDefault(m => m.Success)),
                m => m is not null, "the sandbox prints its 127.0.0.2 listener");
            var port = listener!.Groups[1].Value;
            Assert.Contains(lines, l => l.Contains("operator metrics/health: not started (--no-operator)", StringComparison.Ordinal));

            // The command line the sandbox prints (and src/ServerPower.Sandbox/README.md shows), with a free port.
            await using var @operator = OperatorProcess.StartExactly(kubeconfig,
                "--leader-election", "false", "--port", "0", "--allow-http-endpoints", "true", "--allowed-cidrs", "127.0.0.1/32");
            var kubectl = new Kubectl(kubeconfig);
            await Eventually.WaitAsync(() => JsonPathAsync(kubectl, "{.status.conditions[?(@.type==\"Ready\")].status}"), v => v == "True",
                "wenium-database Ready through the simulators on 127.0.0.1 (the allowed CIDR)");

            (await kubectl.RunArgsAsync(["patch", "spw", "wenium-database", "-n", "default", "--type", "merge", "-p",
                "{\"spec\":{\"readinessProbe\":{\"tcpSocket\":{\"host\":\"127.0.0.2\",\"port\":" + port + "}}}}"])).EnsureSuccess();

            var synced = await Eventually.WaitAsync(
                () => JsonPathAsync(kubectl, "{.status.conditions[?(@.type==\"Synced\")].reason}|{.status.conditions[?(@.type==\"Synced\")].message}"),
                v => v.StartsWith("EndpointNotAllowed|", StringComparison.Ordinal), "the probe at 127.0.0.2 refused");
            Assert.Equal("EndpointNotAllowed|readiness probe: the operator's outbound policy refuses loopback addresses (127.0.0.0/8, ::1)", synced);
        }
        finally
        {
            if (!sandbox.HasExited)
            {
                _ = Process.Start("kill", ["-TERM", $"{sandbox.Id}"]);
                using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
                deadline.CancelAfter(TimeSpan.FromSeconds(60));
                await sandbox.WaitForExitAsync(deadline.Token);
            }
        }
        Assert.Contains(lines, l => AcceptedNone().IsMatch(l));
    }

    private static async Task<string> JsonPathAsync(Kubectl kubectl, string path) =>
        (await kubectl.RunArgsAsync(["get", "spw", "wenium-database", "-n", "default", "-o", $"jsonpath={path}"])).StdOut.Trim();

    [GeneratedRegex(@"A listener on 127\.0\.0\.2:(\d+) stands for")]
    private static partial Regex RefusedListener();

    [GeneratedRegex(@"^127\.0\.0\.2:\d+ accepted 0 connection\(s\)$")]
    private static partial Regex AcceptedNone();
}
