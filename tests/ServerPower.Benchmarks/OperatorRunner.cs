using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using ServerPower.Api.Connection;

namespace ServerPower.Benchmarks;

/// <summary>The operator as a separate process (dotnet ServerPower.Operator.dll), with its metrics port known.</summary>
public sealed partial class OperatorRunner : IAsyncDisposable
{
    private readonly Process process;
    private readonly ConcurrentQueue<string> tail = new();
    private readonly int port;
    private readonly HttpClient metrics = new() { Timeout = TimeSpan.FromSeconds(30) };

    private OperatorRunner(Process process, int port)
    {
        this.process = process;
        this.port = port;
        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public bool HasExited => process.HasExited;

    /// <summary>The last lines the operator printed, for a failure message.</summary>
    public string Tail => string.Join('\n', tail);

    /// <summary>
    /// The operator as in a pod: the API server from KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT, the service
    /// account's token and CA from <paramref name="serviceAccount"/>, and no kubeconfig to find (an empty HOME, no KUBECONFIG);
    /// or, with <paramref name="kubeconfig"/>, that kubeconfig.
    /// </summary>
    public static OperatorRunner Start(Uri apiServer, ServiceAccountFiles serviceAccount, string? kubeconfig, string ns, BenchmarkOptions options)
    {
        string[] connection = kubeconfig is null
            ? ["--service-account-token-file", serviceAccount.TokenFile, "--service-account-ca-file", serviceAccount.CaFile]
            : ["--kubeconfig", kubeconfig];
        var port = FreePort();
        var dll = Path.Combine(options.OperatorDir ?? AppContext.BaseDirectory, "ServerPower.Operator.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in (string[])
                 [
                     dll, .. connection, "--leader-election", "false", "--port", Text(port),
                     "--allow-http-endpoints", "true", "--allowed-endpoint-hosts", "127.0.0.1", "--allowed-cidrs", "127.0.0.1/32", "--max-servers-per-namespace", "0", "--namespaces", ns,
                     "--workers", Text(options.Workers), "--resync-period", $"{Text(options.ResyncSeconds)}s",
                 ])
            start.ArgumentList.Add(arg);
        start.Environment["KUBERNETES_SERVICE_HOST"] = apiServer.Host;
        start.Environment["KUBERNETES_SERVICE_PORT"] = Text(apiServer.Port);
        start.Environment["KUBECONFIG"] = null;
        start.Environment["HOME"] = Path.GetDirectoryName(serviceAccount.TokenFile);
        // As in the end-to-end suite: workstation GC, which is what a 1-CPU container gets anyway.
        start.Environment["DOTNET_gcServer"] = "0";
        foreach (var setting in options.OperatorEnv)
        {
            var equals = setting.IndexOf('=', StringComparison.Ordinal);
            start.Environment[setting[..equals]] = setting[(equals + 1)..];
        }
        return new OperatorRunner(Process.Start(start) ?? throw new InvalidOperationException("cannot start the operator"), port);
    }

    /// <summary>Peak resident set size (VmHWM) from /proc; 0 where /proc is absent.</summary>
    public long PeakRssBytes()
    {
        var status = $"/proc/{process.Id}/status";
        if (!File.Exists(status)) return 0;
        var line = File.ReadLines(status).FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return line is null ? 0 : long.Parse(Digits().Match(line).Value, CultureInfo.InvariantCulture) * 1024;
    }

    /// <summary>One gauge from prometheus-net's default metrics; 0 when absent.</summary>
    public Task<long> MetricAsync(string name, CancellationToken cancellationToken) =>
        SumAsync(name + " ", cancellationToken);

    /// <summary>
    /// The sum of every sample in the operator's /metrics whose line starts with <paramref name="series"/> (a name and
    /// the start of its labels, e.g. <c>controller_runtime_reconcile_total{</c>) and contains <paramref name="label"/>; 0 when none.
    /// </summary>
    public async Task<long> SumAsync(string series, CancellationToken cancellationToken, string label = "")
    {
        var text = await metrics.GetStringAsync($"http://127.0.0.1:{port}/metrics", cancellationToken);
        return (long)text.Split('\n')
            .Where(l => l.StartsWith(series, StringComparison.Ordinal) && l.Contains(label, StringComparison.Ordinal))
            .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));
    }

    /// <summary>The operator's /metrics text.</summary>
    public Task<string> ScrapeAsync(CancellationToken cancellationToken) =>
        metrics.GetStringAsync($"http://127.0.0.1:{port}/metrics", cancellationToken);

    /// <summary>The series (sample lines) of a /metrics text, by metric family (a histogram's buckets, sum and count count for it).</summary>
    public static IReadOnlyDictionary<string, int> Series(string text)
    {
        var families = text.Split('\n')
            .Where(l => l.StartsWith("# TYPE ", StringComparison.Ordinal))
            .Select(l => l.Split(' ')[2])
            .ToHashSet(StringComparer.Ordinal);
        return text.Split('\n')
            .Where(l => l.Length > 0 && l[0] != '#')
            .Select(l => l[..l.IndexOfAny(['{', ' '])])
            .Select(name => families.Contains(name) ? name : families.FirstOrDefault(f => name.StartsWith(f + "_", StringComparison.Ordinal)) ?? name)
            .GroupBy(name => name, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
        process.Dispose();
        metrics.Dispose();
    }

    private void Keep(string? line)
    {
        if (line is null) return;
        tail.Enqueue(line);
        while (tail.Count > 40) tail.TryDequeue(out _);
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    [GeneratedRegex("[0-9]+")]
    private static partial Regex Digits();
}
