using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace ServerPower.EndToEnd.Tests;

/// <summary>Start-up failures a person meets first: one clear line and an exit code, never a stack trace.</summary>
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
        Assert.DoesNotContain(output, l => l.TrimStart().StartsWith("at ", StringComparison.Ordinal));
    }

    private static async Task<(int Code, List<string> Output)> RunAsync(string dll, string[] args, Dictionary<string, string?> environment)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, dll));
        foreach (var arg in args) start.ArgumentList.Add(arg);
        foreach (var (name, value) in environment) start.Environment[name] = value;
        start.Environment["Logging__LogLevel__Default"] = "None";
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
