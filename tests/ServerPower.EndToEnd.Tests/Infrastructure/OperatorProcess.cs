using System.Collections.Concurrent;
using System.Diagnostics;
using ServerPower.Api.Connection;

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

    /// <summary>What every test run of the operator is given: no leader election, any port, the simulators on loopback allowed.</summary>
    private static readonly string[] TestSettings = ["--leader-election", "false", "--port", "0", "--allow-http-endpoints", "true",
        "--allowed-endpoint-hosts", "127.0.0.1", "--allowed-cidrs", "127.0.0.1/32", "--resync-period", "10s"];

    public static OperatorProcess Start(string kubeconfig, params string[] extraArgs) => StartExactly(kubeconfig, [.. TestSettings, .. extraArgs]);

    /// <summary>The operator with <c>--kubeconfig</c> and exactly <paramref name="args"/> (a recipe's command line).</summary>
    public static OperatorProcess StartExactly(string kubeconfig, params string[] args) =>
        Run(["--kubeconfig", kubeconfig, .. args], new Dictionary<string, string?>());

    /// <summary>
    /// The operator as in a pod: no kubeconfig (an empty HOME, no KUBECONFIG), the API server from
    /// KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT, the service account's token and CA from these files.
    /// </summary>
    public static OperatorProcess StartInCluster(Uri apiServer, ServiceAccountFiles serviceAccount, params string[] extraArgs) =>
        Run(["--service-account-token-file", serviceAccount.TokenFile, "--service-account-ca-file", serviceAccount.CaFile, .. TestSettings, .. extraArgs],
            new Dictionary<string, string?>
            {
                ["HOME"] = Directory.CreateTempSubdirectory("operator-home-").FullName,
                ["KUBECONFIG"] = null,
                ["KUBERNETES_SERVICE_HOST"] = apiServer.Host,
                ["KUBERNETES_SERVICE_PORT"] = apiServer.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            });

    private static OperatorProcess Run(string[] args, Dictionary<string, string?> environment)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "ServerPower.Operator.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in (string[])[dll, .. args]) start.ArgumentList.Add(arg);
        start.Environment["DOTNET_gcServer"] = "0";
        foreach (var (name, value) in environment) start.Environment[name] = value;
        return new OperatorProcess(Process.Start(start) ?? throw new InvalidOperationException("cannot start the operator"));
    }

    /// <summary>Whether the process has mapped a file of this name (an assembly it loaded), from /proc/PID/maps.</summary>
    public bool HasMapped(string fileName) =>
        File.ReadLines($"/proc/{process.Id}/maps").Any(l => l.EndsWith("/" + fileName, StringComparison.Ordinal));

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
