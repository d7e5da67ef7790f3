using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using ServerPower.EndToEnd.Tests.Infrastructure;
using ServerPower.TestSupport;

namespace ServerPower.EndToEnd.Tests;

/// <summary>
/// What a person meets first, for every executable (the operator, the sandbox, the kubectl plugin): <c>--help</c>
/// prints the usage and exits 0; a missing kubeconfig, a taken port or a bad option is one clear line and a non-zero
/// exit code, never a stack trace. Log output is left as it is by default, so a stack trace logged would be seen.
/// </summary>
public sealed class CommandLineTests
{
    [Fact]
    public async Task Without_any_Kubernetes_configuration_the_operator_says_so_in_one_line()
    {
        var home = Directory.CreateTempSubdirectory("no-kube-").FullName;
        var (code, output) = await RunAsync("ServerPower.Operator.dll", [], new() { ["HOME"] = home, ["KUBECONFIG"] = null, ["KUBERNETES_SERVICE_HOST"] = null });

        Assert.Equal(2, code);
        var line = Assert.Single(output);
        Assert.StartsWith("serverpower-operator: no Kubernetes configuration found", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_kubeconfig_the_operator_cannot_use_gives_one_line_with_the_cause()
    {
        var dir = Directory.CreateTempSubdirectory("kube-").FullName;
        var broken = Path.Combine(dir, "broken");
        await File.WriteAllTextAsync(broken, "clusters: [unclosed\n", TestContext.Current.CancellationToken);
        var noContext = Path.Combine(dir, "no-context");
        await File.WriteAllTextAsync(noContext, "clusters:\n- &c {name: c, cluster: {server: 'https://c.example'}}\ncurrent-context: x\n", TestContext.Current.CancellationToken);

        var (brokenCode, brokenOutput) = await RunAsync("ServerPower.Operator.dll", ["--kubeconfig", broken], []);
        var (code, output) = await RunAsync("ServerPower.Operator.dll", ["--kubeconfig", noContext], []);

        Assert.Equal(2, brokenCode);
        Assert.StartsWith("serverpower-operator: cannot load the Kubernetes configuration: ", Assert.Single(brokenOutput), StringComparison.Ordinal);
        Assert.Equal(2, code); // the anchor is read (YamlDotNet); the missing context is the error
        Assert.Equal("serverpower-operator: cannot load the Kubernetes configuration: context 'x' is not in the kubeconfig", Assert.Single(output));
    }

    [Fact]
    public async Task A_taken_port_gives_one_line()
    {
        using var taken = new TcpListener(IPAddress.Any, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        var kubeconfig = Path.Combine(Directory.CreateTempSubdirectory("kube-").FullName, "config");
        await File.WriteAllTextAsync(kubeconfig, """
            apiVersion: v1
            kind: Config
            clusters: [{name: c, cluster: {server: "http://127.0.0.1:1"}}]
            users: [{name: u, user: {token: t}}]
            contexts: [{name: x, context: {cluster: c, user: u}}]
            current-context: x
            """, TestContext.Current.CancellationToken);

        var (code, output) = await RunAsync("ServerPower.Operator.dll", ["--kubeconfig", kubeconfig, "--port", $"{port}", "--leader-election", "false"], []);

        Assert.Equal(1, code);
        Assert.Contains(output, l => l.StartsWith("serverpower-operator: cannot listen:", StringComparison.Ordinal));
        AssertNoStackTrace(output);
    }

    [Theory]
    [InlineData("ServerPower.Operator.dll", "--help", "usage: serverpower-operator")]
    [InlineData("ServerPower.Operator.dll", "-h", "usage: serverpower-operator")]
    [InlineData("ServerPower.Sandbox.dll", "--help", "usage: dotnet run --project src/ServerPower.Sandbox")]
    [InlineData("ServerPower.Sandbox.dll", "-h", "usage: dotnet run --project src/ServerPower.Sandbox")]
    [InlineData("kubectl-power.dll", "--help", "kubectl power restart NAME")]
    [InlineData("kubectl-power.dll", "-h", "kubectl power restart NAME")]
    public async Task Help_prints_the_usage_and_exits_0(string dll, string flag, string usage)
    {
        var (code, output) = await RunAsync(dll, [flag], []);

        Assert.Equal(0, code);
        Assert.Contains(output, l => l.TrimStart().StartsWith(usage, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Kubectl_runs_the_plugin_and_its_help_exits_0()
    {
        var (code, output) = await RunKubectlPowerAsync(["--help"], []);
        Assert.Equal(0, code);
        Assert.Contains(output, l => l.Contains("kubectl power hold NAME Running|Stopped --for 2h", StringComparison.Ordinal));

        (code, output) = await RunKubectlPowerAsync(["restart", "--help"], []);
        Assert.Equal(0, code);
        Assert.StartsWith("Usage: kubectl power restart", output[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_any_kubeconfig_the_plugin_says_so_in_one_line()
    {
        var home = Directory.CreateTempSubdirectory("no-kube-").FullName;
        var (code, output) = await RunKubectlPowerAsync(["status"], new() { ["HOME"] = home, ["KUBECONFIG"] = null, ["KUBERNETES_SERVICE_HOST"] = null });

        Assert.Equal(1, code);
        // kubectl refuses `kubectl --kubeconfig F power`, so the error says where the flag goes.
        Assert.Equal("error: no kubeconfig found: pass --kubeconfig PATH after power (kubectl power status --kubeconfig PATH; kubectl itself refuses it before power), set KUBECONFIG, or create ~/.kube/config",
            Assert.Single(output));

        (code, output) = await RunKubectlPowerAsync(["status", "--kubeconfig", Path.Combine(home, "missing")], []);
        Assert.Equal(1, code);
        Assert.Equal($"error: --kubeconfig file '{Path.Combine(home, "missing")}' does not exist", Assert.Single(output));
    }

    [Theory]
    [InlineData("--api-port")]
    [InlineData("--port")]
    public async Task A_taken_port_stops_the_sandbox_with_one_line(string option)
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        var dir = Directory.CreateTempSubdirectory("sandbox-port-").FullName;

        var (code, output) = await RunAsync("ServerPower.Sandbox.dll", [option, $"{port}", "--kubeconfig", Path.Combine(dir, "k"), "--no-samples"], []);

        Assert.Equal(1, code);
        var error = Assert.Single(output, l => l.StartsWith("sandbox:", StringComparison.Ordinal));
        Assert.StartsWith("sandbox: cannot listen:", error, StringComparison.Ordinal);
        Assert.Contains($"{port}", error);
        AssertNoStackTrace(output);
    }

    [Theory]
    [InlineData("sandbox: --api-port must be a port number from 0 to 65535, not 'http'", 2, "--api-port", "http")]
    [InlineData("sandbox: --port needs a value (see --help)", 2, "--port")]
    [InlineData("sandbox: unknown option '--frob' (see --help)", 2, "--frob")]
    public async Task A_bad_sandbox_option_is_one_line_and_exit_code_2(string expected, int exitCode, params string[] args)
    {
        var (code, output) = await RunAsync("ServerPower.Sandbox.dll", args, []);

        Assert.Equal(exitCode, code);
        Assert.StartsWith(expected, Assert.Single(output), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_kubeconfig_the_sandbox_cannot_write_is_one_line()
    {
        var directory = Directory.CreateTempSubdirectory("sandbox-kube-").FullName;

        var (code, output) = await RunAsync("ServerPower.Sandbox.dll", ["--kubeconfig", directory, "--no-samples"], []);

        Assert.Equal(1, code);
        Assert.StartsWith($"sandbox: cannot write the kubeconfig {directory}:", Assert.Single(output, l => l.StartsWith("sandbox:", StringComparison.Ordinal)), StringComparison.Ordinal);
        AssertNoStackTrace(output);
    }

    private static void AssertNoStackTrace(List<string> output)
    {
        Assert.DoesNotContain(output, l => l.TrimStart().StartsWith("at ", StringComparison.Ordinal) || l.Contains("   at ", StringComparison.Ordinal));
        Assert.DoesNotContain(output, l => l.Contains(" fail: ", StringComparison.Ordinal) || l.Contains(" crit: ", StringComparison.Ordinal));
    }

    private static Task<(int Code, List<string> Output)> RunKubectlPowerAsync(string[] args, Dictionary<string, string?> environment)
    {
        environment["PATH"] = PowerPlugin.PluginDirectory + Path.PathSeparator + Environment.GetEnvironmentVariable("PATH");
        return RunProcessAsync(RequiredTools.Ensure("kubectl"), ["power", .. args], environment);
    }

    private static Task<(int Code, List<string> Output)> RunAsync(string dll, string[] args, Dictionary<string, string?> environment) =>
        RunProcessAsync("dotnet", [Path.Combine(AppContext.BaseDirectory, dll), .. args], environment);

    private static async Task<(int Code, List<string> Output)> RunProcessAsync(string file, string[] args, Dictionary<string, string?> environment)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        foreach (var (name, value) in environment) start.Environment[name] = value;
        using var process = Process.Start(start)!;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(2));
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
        var lines = (await stdout + await stderr).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToList();
        return (process.ExitCode, lines);
    }
}
