using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace ServerPower.Reliability.Tests.Infrastructure;

/// <summary>
/// The operator as a real, separate process (dotnet ServerPower.Operator.dll) with its own metrics port; every line
/// it prints on stdout and stderr is kept, for the secret scan.
/// </summary>
public sealed class OperatorProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly ConcurrentQueue<string> lines = new();

    private OperatorProcess(Process process, string identity, int port)
    {
        this.process = process;
        Identity = identity;
        Port = port;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lines.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lines.Enqueue(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>Its leader-election identity (POD_NAME), as the Lease names its holder.</summary>
    public string Identity { get; }

    public int Port { get; }

    public string Log => string.Join('\n', lines);

    public bool HasExited => process.HasExited;

    public static OperatorProcess Start(string kubeconfig, string identity, IEnumerable<string> args)
    {
        var port = FreePort();
        var dll = Path.Combine(AppContext.BaseDirectory, "ServerPower.Operator.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { dll, "--kubeconfig", kubeconfig, "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture) }.Concat(args))
            start.ArgumentList.Add(arg);
        start.Environment["DOTNET_gcServer"] = "0";
        start.Environment["DOTNET_TieredPGO"] = "0";
        start.Environment["POD_NAME"] = identity;
        return new OperatorProcess(Process.Start(start) ?? throw new InvalidOperationException("cannot start the operator"), identity, port);
    }

    /// <summary>The /metrics text, or "" when the process does not answer (it is gone or not listening yet).</summary>
    public async Task<string> MetricsAsync()
    {
        if (process.HasExited) return "";
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
            return await http.GetStringAsync($"http://127.0.0.1:{Port}/metrics");
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return "";
        }
    }

    /// <summary>True once /readyz answers 200 (both caches synced), false if that does not happen before the deadline.</summary>
    public Task<bool> ReadyAsync() => Eventually.TryAsync(() =>
    {
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
            using var response = http.GetAsync($"http://127.0.0.1:{Port}/readyz").GetAwaiter().GetResult();
            return response.IsSuccessStatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    });

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

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
