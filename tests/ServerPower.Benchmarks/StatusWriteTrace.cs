using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;

namespace ServerPower.Benchmarks;

/// <summary>
/// With --trace-writes: watches the ServerPowers while the fleet converges and reports which status each server went
/// through (power state, last action result, settled or not, Ready and Synced reasons: one line per watch event, the
/// first being the benchmark's own patch), grouped by sequence, so that the status writes per converged server can be
/// explained write by write. The watch shares the benchmark's HTTP client, whose requests end after 2 minutes: enough
/// for 10,000 servers.
/// </summary>
public sealed class StatusWriteTrace : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, List<string>> steps = new();
    private readonly CancellationTokenSource stop = new();
    private readonly Task watching;

    private StatusWriteTrace(HttpClient http, string path, long resourceVersion) =>
        watching = Task.Run(() => WatchAsync(http, $"{path}?watch=true&resourceVersion={resourceVersion}", stop.Token));

    public static StatusWriteTrace Start(HttpClient http, string path, long resourceVersion) => new(http, path, resourceVersion);

    private async Task WatchAsync(HttpClient http, string url, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken));
            while (await reader.ReadLineAsync(cancellationToken) is { } line)
            {
                if (JsonNode.Parse(line) is not JsonObject e || e["object"] is not JsonObject o) continue;
                var name = o["metadata"]?["name"]?.ToString() ?? "?";
                var list = steps.GetOrAdd(name, _ => []);
                var step = Summary(o);
                lock (list) list.Add(step);
            }
        }
        catch (OperationCanceledException) { }
    }

    private static string Summary(JsonObject server)
    {
        var status = server["status"];
        string? Reason(string type) => status?["conditions"] is JsonArray cs
            ? cs.FirstOrDefault(c => c?["type"]?.ToString() == type) is { } c ? $"{c["status"]}:{c["reason"]}" : null
            : null;
        var last = status?["lastAction"];
        var action = last is null ? "-" : $"{last["type"]}:{last["result"]}{(last["settledTime"] is null ? "" : ":settled")}";
        return $"[gen {server["metadata"]?["generation"]}/{status?["observedGeneration"]} {status?["powerState"]} {action} Ready={Reason("Ready")} Synced={Reason("Synced")}]";
    }

    /// <summary>The most common step sequences, with how many servers went through each.</summary>
    public async Task<string> ReportAsync(int top = 8)
    {
        await stop.CancelAsync();
        await watching;
        var sb = new StringBuilder();
        var groups = steps.Values.Select(l => string.Join("\n    ", l)).GroupBy(s => s).OrderByDescending(g => g.Count()).ToList();
        sb.AppendLine($"status sequences of {steps.Count} servers ({groups.Count} distinct, {steps.Values.Sum(l => l.Count)} watch events):");
        foreach (var g in groups.Take(top))
            sb.AppendLine($"  {g.Count()} servers:\n    {g.Key}");
        return sb.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        try { await watching; } catch (OperationCanceledException) { }
        stop.Dispose();
    }
}
