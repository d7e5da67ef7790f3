using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using ServerPower.Sandbox.Command;
using ServerPower.Sandbox.Kubernetes;

namespace ServerPower.Benchmarks;

/// <summary>
/// Runs the operator as a separate process against the API emulator and the provider simulators, and measures
/// convergence, API cost, steady state, memory and idle-queue latency (issue 7).
/// </summary>
public sealed class ScaleBenchmark(BenchmarkOptions options, TextWriter log)
{
    private const string Group = "power.serverops.io";
    private const string Ns = "bench";

    public async Task<BenchmarkResult> RunAsync(CancellationToken cancellationToken = default)
    {
        var startedAt = DateTimeOffset.UtcNow;
        await using var emulator = await KubeApiEmulator.StartAsync(new KubeApiEmulatorOptions { Port = 0 }, cancellationToken);
        var kubeconfig = emulator.WriteKubeconfig(Path.Combine(Path.GetTempPath(), $"bench-{Guid.NewGuid():N}.kubeconfig"));
        await using var fleet = await Fleet.StartAsync(options, cancellationToken);
        using var http = new HttpClient { BaseAddress = emulator.BaseAddress, Timeout = TimeSpan.FromMinutes(2) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", emulator.AdminToken);

        foreach (var crd in Directory.GetFiles(Path.Combine(RepositoryRoot.Find(), "crds"), "*.yaml"))
            await emulator.ApplyYamlAsync(await File.ReadAllTextAsync(crd, cancellationToken), cancellationToken: cancellationToken);
        await emulator.ApplyYamlAsync(fleet.ProvidersYaml(Ns, options), Ns, cancellationToken);

        await using var op = OperatorRunner.Start(kubeconfig, Ns, options);
        var clock = Stopwatch.StartNew();
        log.WriteLine($"creating {options.Servers} ServerPowers (Stopped) over {options.Providers} accounts");
        await Parallel.ForEachAsync(fleet.Servers.Chunk(100), new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken },
            async (chunk, ct) => await emulator.ApplyYamlAsync(string.Join("\n---\n", chunk.Select(s => Fleet.ServerYaml(Ns, s, "Stopped"))), Ns, ct));
        await WaitAllAsync(emulator, op, s => IsReady(s), "all Ready (Stopped)", cancellationToken);
        var initialReady = clock.Elapsed.TotalSeconds;
        log.WriteLine($"all Ready after {initialReady:0.0}s");

        emulator.ResetWriteCounts();
        var mark = fleet.Bookmark();
        log.WriteLine("patching all to Running");
        clock.Restart();
        await Parallel.ForEachAsync(fleet.Servers, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken },
            async (s, ct) => await PatchStateAsync(http, s.Name, "Running", ct));
        var converged = await WaitAllAsync(emulator, op, s => IsReady(s) && PowerState(s) == "Running", "all Running and Ready", cancellationToken);
        var convergence = clock.Elapsed.TotalSeconds;
        var convergenceCalls = fleet.Calls(mark);
        var convergenceWrites = Writes(emulator, ownPatches: options.Servers);
        var repeated = fleet.ServersWithRepeatedActions(mark);
        log.WriteLine($"converged after {convergence:0.0}s: {convergenceCalls}, {convergenceWrites}");

        emulator.ResetWriteCounts();
        mark = fleet.Bookmark();
        log.WriteLine($"steady state for {options.SteadySeconds}s");
        clock.Restart();
        await Task.Delay(TimeSpan.FromSeconds(options.SteadySeconds), cancellationToken);
        var steadySeconds = clock.Elapsed.TotalSeconds;
        var steadyCalls = fleet.Calls(mark);
        var steadyWrites = Writes(emulator, ownPatches: 0);
        log.WriteLine($"steady: {steadyCalls}, {steadyWrites}");

        var latencies = await MeasureLatencyAsync(emulator, http, fleet, op, cancellationToken);
        var memory = new OperatorMemory(
            op.PeakRssBytes(),
            await op.MetricAsync("dotnet_total_memory_bytes", cancellationToken),
            await op.MetricAsync("process_working_set_bytes", cancellationToken));
        File.Delete(kubeconfig);

        var perAccount = Math.Ceiling(options.Servers / (double)options.Providers);
        return new BenchmarkResult
        {
            Options = options,
            Machine = $"{Environment.ProcessorCount} cores, {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1L << 30)} GiB, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}",
            StartedAt = startedAt,
            InitialReadySeconds = initialReady,
            Converged = converged,
            ConvergenceSeconds = convergence,
            RateLimitBoundSeconds = perAccount / options.ProviderRps,
            ConvergenceCalls = convergenceCalls,
            ConvergenceWrites = convergenceWrites,
            ServersWithRepeatedActions = repeated,
            SteadySeconds = steadySeconds,
            SteadyResyncs = steadySeconds / options.ResyncSeconds,
            SteadyCalls = steadyCalls,
            SteadyWrites = steadyWrites,
            Memory = memory,
            LatencyMs = latencies,
        };
    }

    /// <summary>
    /// One server at a time, with the queue idle: patch it to Stopped and time until its stop request reaches the
    /// simulator (simulator receive time minus patch send time, one clock), then wait for it to settle.
    /// </summary>
    private async Task<IReadOnlyList<double>> MeasureLatencyAsync(
        KubeApiEmulator emulator, HttpClient http, Fleet fleet, OperatorRunner op, CancellationToken cancellationToken)
    {
        var samples = new List<double>();
        var step = Math.Max(1, fleet.Servers.Count / Math.Max(1, options.LatencySamples));
        foreach (var server in fleet.Servers.Where((_, i) => i % step == 0).Take(options.LatencySamples))
        {
            var log = server.Account.Simulator.Requests;
            var before = log.Matching("POST", server.ServerId).Count;
            var sent = DateTimeOffset.UtcNow;
            await PatchStateAsync(http, server.Name, "Stopped", cancellationToken);
            await WaitAsync(() => log.Matching("POST", server.ServerId).Count > before, op, $"the stop call for {server.Name}", cancellationToken);
            samples.Add((log.Matching("POST", server.ServerId)[before].ReceivedAt - sent).TotalMilliseconds);
            await WaitAsync(() => emulator.GetObject(Group, "serverpowers", Ns, server.Name) is { } s && IsReady(s) && PowerState(s) == "Stopped",
                op, $"{server.Name} Stopped", cancellationToken);
        }
        return samples;
    }

    private static async Task PatchStateAsync(HttpClient http, string name, string state, CancellationToken cancellationToken)
    {
        using var body = new StringContent($$$"""{"spec":{"state":"{{{state}}}"}}""", Encoding.UTF8, "application/merge-patch+json");
        using var response = await http.PatchAsync($"/apis/{Group}/v1alpha1/namespaces/{Ns}/serverpowers/{name}", body, cancellationToken);
        response.EnsureSuccessStatusCode();
    }

    private async Task<int> WaitAllAsync(KubeApiEmulator emulator, OperatorRunner op, Func<JsonObject, bool> done, string what, CancellationToken cancellationToken)
    {
        var count = 0;
        await WaitAsync(() =>
        {
            count = emulator.ListObjects(Group, "serverpowers", Ns).Count(done);
            return count == options.Servers;
        }, op, what, cancellationToken, () => $"{count}/{options.Servers}");
        return count;
    }

    /// <summary>Polls a condition once a second up to the deadline; fails early when the operator has exited.</summary>
    private async Task WaitAsync(Func<bool> condition, OperatorRunner op, string what, CancellationToken cancellationToken, Func<string>? progress = null)
    {
        var clock = Stopwatch.StartNew();
        var lastReport = TimeSpan.Zero;
        while (!condition())
        {
            if (op.HasExited) throw new InvalidOperationException($"the operator exited while waiting for {what}:\n{op.Tail}");
            if (clock.Elapsed > options.Deadline)
                throw new TimeoutException($"timed out after {options.Deadline} waiting for {what} ({progress?.Invoke()}):\n{op.Tail}");
            if (progress is not null && clock.Elapsed - lastReport > TimeSpan.FromSeconds(10))
            {
                lastReport = clock.Elapsed;
                log.WriteLine($"  {what}: {progress()} after {clock.Elapsed.TotalSeconds:0}s");
            }
            await Task.Delay(TimeSpan.FromMilliseconds(progress is null ? 20 : 500), cancellationToken);
        }
    }

    /// <summary>The operator's writes: the benchmark's own merge patches (to serverpowers, main resource) taken off.</summary>
    private static KubeWrites Writes(KubeApiEmulator emulator, long ownPatches) => new(
        emulator.CountWrites("serverpowers", "") - ownPatches,
        emulator.CountWrites("serverpowers", "status"),
        emulator.CountWrites() - ownPatches);

    private static bool IsReady(JsonObject server) =>
        server["status"]?["conditions"] is JsonArray conditions &&
        conditions.Any(c => c?["type"]?.ToString() == "Ready" && c["status"]?.ToString() == "True") &&
        server["status"]?["observedGeneration"]?.GetValue<long>() == server["metadata"]?["generation"]?.GetValue<long>();

    private static string? PowerState(JsonObject server) => server["status"]?["powerState"]?.ToString();
}
