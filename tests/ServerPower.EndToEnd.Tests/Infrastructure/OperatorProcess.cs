using System.Collections.Concurrent;
using System.Diagnostics;

namespace ServerPower.EndToEnd.Tests.Infrastructure;

/// <summary>The operator as a real, separate process (dotnet ServerPower.Operator.dll), with its output kept.</summary>
public sealed class OperatorProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly ConcurrentQueue<string> lines = new();

    private OperatorProcess(Process process)
    {
        this.process = process;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lines.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lines.Enqueue(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public IReadOnlyCollection<string> Lines => lines;

    public string Log => string.Join('\n', lines);

    public bool HasExited => process.HasExited;

    public static OperatorProcess Start(string kubeconfig, params string[] extraArgs) =>
        StartExactly(kubeconfig, ["--leader-election", "false", "--port", "0", "--allow-http-endpoints", "true", "--allowed-endpoint-hosts", "127.0.0.1",
            "--allowed-cidrs", "127.0.0.1/32", "--resync-period", "10s", .. extraArgs]);

    /// <summary>The operator with <c>--kubeconfig</c> and exactly <paramref name="args"/> (a recipe's command line).</summary>
    public static OperatorProcess StartExactly(string kubeconfig, params string[] args)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "ServerPower.Operator.dll");
        // The operator runs on its own dependency manifest, which lists no YamlDotNet (ServerPower.Operator.csproj): the DLL lies in
        // this directory for the sandbox, yet the runtime cannot load it into the operator, so every run here also
        // proves that nothing the operator does (reading its kubeconfig included) needs YamlDotNet.
        if (File.ReadAllText(Path.ChangeExtension(dll, ".deps.json")).Contains("YamlDotNet", StringComparison.Ordinal))
            throw new InvalidOperationException("ServerPower.Operator.deps.json lists YamlDotNet: the operator must run without it");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in (string[])[dll, "--kubeconfig", kubeconfig, .. args]) start.ArgumentList.Add(arg);
        start.Environment["DOTNET_gcServer"] = "0";
        return new OperatorProcess(Process.Start(start) ?? throw new InvalidOperationException("cannot start the operator"));
    }

    /// <summary>SIGKILL: no shutdown code runs, as when a node dies.</summary>
    public async Task KillAsync()
    {
        if (process.HasExited) return;
        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        process.Dispose();
    }
}
