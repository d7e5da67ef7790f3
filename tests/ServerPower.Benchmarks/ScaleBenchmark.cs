using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using ServerPower.Runtime;
using ServerPower.Sandbox.Command;
using ServerPower.Sandbox.Kubernetes;
using ServerPower.Sandbox.Kubernetes.Rbac;

namespace ServerPower.Benchmarks;

/// <summary>
/// Runs the operator as a separate process against the API emulator and the provider simulators, and measures
/// convergence, API cost (provider calls, Kubernetes reads and writes), steady state, memory and spec-change latency
/// with the queue idle and during a resync pass (issue 7).
/// </summary>
public sealed class ScaleBenchmark(BenchmarkOptions options, TextWriter log)
{
    private const string Group = "power.serverops.io";
    private const string Ns = "bench";

    /// <summary>The operator's service account: allowed everything, as the benchmark measures cost, not RBAC.</summary>
    private static readonly EmulatorIdentity OperatorIdentity = new("bench-operator-token",
        [new EmulatorPolicyRule(["*"], ["*"], ["*"])], "system:serviceaccount:bench:serverpower-operator");

    public async Task<BenchmarkResult> RunAsync(CancellationToken cancellationToken = default)
    {
        var startedAt = DateTimeOffset.UtcNow;
        // Room for every object's events: at 50,000 servers a run writes a few hundred thousand (the defaults are 100,000).
        var window = Math.Max(100_000, 8 * options.Servers);
        // Production mode: HTTPS with the cluster's CA, and the operator's own service account token (no anonymous admin).
        var emulatorOptions = new KubeApiEmulatorOptions { Port = 0, WatchEventWindow = window, WatcherCapacity = window, Https = true, AnonymousIsAdmin = false };
        emulatorOptions.Identities.Add(OperatorIdentity);
        await using var emulator = await KubeApiEmulator.StartAsync(emulatorOptions, cancellationToken);
        using var serviceAccount = await ServiceAccountDirectory.WriteAsync(OperatorIdentity.Token, emulator.CertificateAuthorityPem!, cancellationToken);
        await using var fleet = await Fleet.StartAsync(options, cancellationToken);
        using var http = emulator.CreateHttpClient();
        http.Timeout = TimeSpan.FromMinutes(2);

        foreach (var crd in Directory.GetFiles(Path.Combine(RepositoryRoot.Find(), "crds"), "*.yaml"))
            await emulator.ApplyYamlAsync(await File.ReadAllTextAsync(crd, cancellationToken), cancellationToken: cancellationToken);
        await emulator.ApplyYamlAsync(fleet.ProvidersYaml(Ns, options), Ns, cancellationToken);

        var kubeconfig = options.Connection == "kubeconfig"
            ? emulator.WriteKubeconfigWithTokenFile(Path.Combine(Path.GetDirectoryName(serviceAccount.Files.TokenFile)!, "kubeconfig"), serviceAccount.Files.TokenFile)
            : null;
        log.WriteLine($"operator connection: {options.Connection}");
        await using var op = OperatorRunner.Start(emulator.BaseAddress, serviceAccount.Files, kubeconfig, Ns, options);
        var clock = Stopwatch.StartNew();
        log.WriteLine($"creating {options.Servers} ServerPowers (Stopped) over {options.Providers} accounts");
        await Parallel.ForEachAsync(fleet.Servers.Chunk(100), new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken },
            async (chunk, ct) => await emulator.ApplyYamlAsync(string.Join("\n---\n", chunk.Select(s => Fleet.ServerYaml(Ns, s, "Stopped"))), Ns, ct));
        await WaitAllAsync(emulator, fleet, op, s => IsReady(s), "all Ready (Stopped)", cancellationToken);
        var initialReady = clock.Elapsed.TotalSeconds;
        log.WriteLine($"all Ready after {initialReady:0.0}s");

        ResetApiCounts(emulator);
        var mark = fleet.Bookmark();
        var tooMany = fleet.TooManyRequestsAnswered();
        var reconciles = await op.SumAsync(Reconciles, cancellationToken);
        var conflicts = await op.SumAsync(Reconciles, cancellationToken, "result=\"conflict\"");
        log.WriteLine("patching all to Running");
        await using var trace = options.TraceWrites
            ? StatusWriteTrace.Start(http, $"/apis/{Group}/v1alpha1/namespaces/{Ns}/serverpowers", emulator.CurrentResourceVersion)
            : null;
        clock.Restart();
        await Parallel.ForEachAsync(fleet.Servers, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken },
            async (s, ct) => await PatchStateAsync(http, s.Name, "Running", ct));
        var converged = await WaitAllAsync(emulator, fleet, op, s => IsReady(s) && PowerState(s) == "Running", "all Running and Ready", cancellationToken);
        var convergence = clock.Elapsed.TotalSeconds;
        var convergenceCalls = fleet.Calls(mark);
        var convergenceWrites = Writes(emulator, ownPatches: options.Servers);
        var convergenceReads = Reads(emulator);
        var convergenceTooMany = fleet.TooManyRequestsAnswered() - tooMany;
        var convergenceReconciles = await op.SumAsync(Reconciles, cancellationToken) - reconciles;
        var convergenceConflicts = await op.SumAsync(Reconciles, cancellationToken, "result=\"conflict\"") - conflicts;
        var repeated = fleet.ServersWithRepeatedActions(mark);
        log.WriteLine($"converged after {convergence:0.0}s: {convergenceCalls}, {convergenceWrites}, {convergenceReads.All} reads, {convergenceReconciles} reconciles ({convergenceConflicts} ended in a conflict)");
        if (trace is not null)
        {
            log.WriteLine(await trace.ReportAsync());
            foreach (var reason in emulator.ListObjects("", "events", Ns).GroupBy(e => e["reason"]?.ToString()).OrderByDescending(g => g.Count()))
                log.WriteLine($"events while converging: {reason.Count()} {reason.Key}");
        }

        ResetApiCounts(emulator);
        mark = fleet.Bookmark();
        log.WriteLine($"steady state for {options.SteadySeconds}s");
        clock.Restart();
        await Task.Delay(TimeSpan.FromSeconds(options.SteadySeconds), cancellationToken);
        var steadySeconds = clock.Elapsed.TotalSeconds;
        var steadyCalls = fleet.Calls(mark);
        var steadyWrites = Writes(emulator, ownPatches: 0);
        var steadyReads = Reads(emulator);
        log.WriteLine($"steady: {steadyCalls}, {steadyWrites}, {steadyReads.All} reads ({steadyReads.SecretGets} Secret GETs)");

        // From here on no figure needs the request logs; the latency polls scan them, so they are kept short.
        fleet.ClearRequestLogs();
        var idleServers = Spread(fleet.Servers, options.LatencySamples);
        var latencies = await MeasureLatencyAsync(emulator, http, fleet, op, idleServers, cancellationToken);
        log.WriteLine("latency during resync passes");
        var resyncLatency = await MeasureResyncLatencyAsync(
            emulator, http, fleet, op, OnePerAccount(fleet.Servers.Except(idleServers).ToList(), options.LatencySamples), cancellationToken);
        var memory = new OperatorMemory(
            op.PeakRssBytes(),
            await op.MetricAsync("dotnet_total_memory_bytes", cancellationToken),
            await op.MetricAsync("process_working_set_bytes", cancellationToken));
        var scrape = await op.ScrapeAsync(cancellationToken);
        var serversNamed = fleet.Servers.Count(s => scrape.Contains($"=\"{s.Name}\"", StringComparison.Ordinal));

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
            ConvergenceReads = convergenceReads,
            ConvergenceTooManyRequests = convergenceTooMany,
            ConvergenceReconciles = convergenceReconciles,
            ServersWithRepeatedActions = repeated,
            SteadySeconds = steadySeconds,
            SteadyResyncs = steadySeconds / options.ResyncSeconds,
            SteadyCalls = steadyCalls,
            SteadyWrites = steadyWrites,
            SteadyReads = steadyReads,
            Memory = memory,
            MetricSeries = OperatorRunner.Series(scrape),
            ServersNamedInMetrics = serversNamed,
            LatencyMs = latencies,
            ResyncLatency = resyncLatency,
        };
    }

    private const string Reconciles = "controller_runtime_reconcile_total{";

    /// <summary>The serverpower work queue's depth gauge (keys ready to be processed, resync keys included).</summary>
    private const string ServerQueueDepth = "workqueue_depth{controller=\"serverpower\",name=\"serverpower\"} ";

    /// <summary>At most <paramref name="count"/> servers spread evenly over the list.</summary>
    private static IReadOnlyList<FleetServer> Spread(IReadOnlyList<FleetServer> servers, int count)
    {
        var step = Math.Max(1, servers.Count / Math.Max(1, count));
        return servers.Where((_, i) => i % step == 0).Take(count).ToList();
    }

    /// <summary>
    /// About <paramref name="count"/> servers spread over the fleet, ordered so that each run of one server per account
    /// holds one of every account: changes sent at once then never wait for each other's turn at one account's rate limit
    /// (until 2026-12-06 the servers sent at once were all of one account, and the fourth waited three of its rate
    /// limit's intervals, 60 ms at 50 requests a second).
    /// </summary>
    internal static IReadOnlyList<FleetServer> OnePerAccount(IReadOnlyList<FleetServer> servers, int count)
    {
        var accounts = servers.GroupBy(s => s.Account).Select(g => g.ToList()).ToList();
        var perAccount = (int)Math.Ceiling(count / (double)Math.Max(1, accounts.Count));
        var spread = accounts.Select(a => Spread(a, perAccount)).ToList();
        return [.. Enumerable.Range(0, perAccount).SelectMany(i => spread.Where(a => i < a.Count).Select(a => a[i])).Take(count)];
    }

    /// <summary>
    /// One server at a time, with the queue idle: patch it to Stopped and time until its stop request reaches the
    /// simulator (simulator receive time minus patch send time, one clock), then wait for it to settle.
    /// </summary>
    private async Task<IReadOnlyList<double>> MeasureLatencyAsync(
        KubeApiEmulator emulator, HttpClient http, Fleet fleet, OperatorRunner op, IReadOnlyList<FleetServer> servers, CancellationToken cancellationToken)
    {
        var samples = new List<double>();
        foreach (var server in servers)
        {
            fleet.ClearRequestLogs();
            samples.AddRange(await StopAndTimeAsync(emulator, http, op, [server], cancellationToken));
        }
        return samples;
    }

    /// <summary>
    /// Samples taken while resync work waits: poll the operator's serverpower work-queue depth until at least a quarter
    /// of what one resync slice enqueues (N ÷ <see cref="Controller.ResyncSlices"/> keys, every period ÷ slices) waits
    /// in it, then patch one server per account to Stopped at once and time each stop call as above. Such a moment is
    /// looked for for up to three resync slices; after three such waits in vain the remaining samples are
    /// given up (small fleets drain a slice faster than /metrics can be polled).
    /// </summary>
    private async Task<ResyncLatency> MeasureResyncLatencyAsync(
        KubeApiEmulator emulator, HttpClient http, Fleet fleet, OperatorRunner op, IReadOnlyList<FleetServer> servers, CancellationToken cancellationToken)
    {
        var threshold = Math.Max(1, options.Servers / (4 * Controller.ResyncSlices));
        var batches = new Queue<FleetServer[]>(servers.Chunk(Math.Max(1, options.Providers)));
        var samples = new List<double>();
        var depths = new List<long>();
        var missed = 0;
        while (batches.Count > 0 && missed < 3)
        {
            fleet.ClearRequestLogs();
            var depth = await WaitForResyncPassAsync(op, threshold, cancellationToken);
            if (depth is null)
            {
                missed++;
                continue;
            }
            var batch = batches.Dequeue();
            samples.AddRange(await StopAndTimeAsync(emulator, http, op, batch, cancellationToken));
            depths.AddRange(batch.Select(_ => depth.Value));
        }
        return new ResyncLatency(samples, depths, threshold, missed);
    }

    /// <summary>
    /// The queue depth once it reaches the threshold; null when it did not within three resync slices (a slice starts
    /// every period ÷ <see cref="Controller.ResyncSlices"/>) plus 5 s, and never longer than 2.5 resync periods.
    /// </summary>
    private async Task<long?> WaitForResyncPassAsync(OperatorRunner op, long threshold, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var limit = TimeSpan.FromSeconds(Math.Min(2.5 * options.ResyncSeconds, 3.0 * options.ResyncSeconds / Controller.ResyncSlices + 5));
        while (clock.Elapsed < limit)
        {
            if (op.HasExited) throw new InvalidOperationException($"the operator exited while waiting for a resync pass:\n{op.Tail}");
            var depth = await op.SumAsync(ServerQueueDepth, cancellationToken);
            if (depth >= threshold) return depth;
            await Task.Delay(1, cancellationToken);
        }
        return null;
    }

    /// <summary>
    /// Patches the servers to Stopped at once and returns, per server, the milliseconds from sending its patch to the
    /// simulator receiving its stop call; then waits until each reports Stopped and Ready. The request logs must be short.
    /// </summary>
    private async Task<IReadOnlyList<double>> StopAndTimeAsync(
        KubeApiEmulator emulator, HttpClient http, OperatorRunner op, IReadOnlyList<FleetServer> servers, CancellationToken cancellationToken)
    {
        var before = servers.Select(s => s.Account.Simulator.Requests.Matching("POST", s.ServerId).Count).ToArray();
        var sent = await Task.WhenAll(servers.Select(async s =>
        {
            var at = DateTimeOffset.UtcNow;
            await PatchStateAsync(http, s.Name, "Stopped", cancellationToken);
            return at;
        }));
        var samples = new List<double>();
        for (var i = 0; i < servers.Count; i++)
        {
            var (server, count) = (servers[i], before[i]);
            var log = server.Account.Simulator.Requests;
            await WaitAsync(() => log.Matching("POST", server.ServerId).Count > count, op, $"the stop call for {server.Name}", cancellationToken);
            samples.Add((log.Matching("POST", server.ServerId)[count].ReceivedAt - sent[i]).TotalMilliseconds);
        }
        foreach (var server in servers)
        {
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

    /// <summary>
    /// Waits until every server satisfies <paramref name="done"/>; each poll reads only the servers not done yet,
    /// straight from the emulator's store. Returns how many are done.
    /// </summary>
    private async Task<int> WaitAllAsync(KubeApiEmulator emulator, Fleet fleet, OperatorRunner op, Func<JsonObject, bool> done, string what, CancellationToken cancellationToken)
    {
        var pending = fleet.Servers.Select(s => s.Name).ToHashSet();
        await WaitAsync(() =>
        {
            pending.RemoveWhere(name => emulator.GetObject(Group, "serverpowers", Ns, name) is { } s && done(s));
            return pending.Count == 0;
        }, op, what, cancellationToken, () => $"{options.Servers - pending.Count}/{options.Servers}");
        return options.Servers - pending.Count;
    }

    /// <summary>
    /// Polls a condition up to the deadline (every 20 ms, or 500 ms with progress reports; never more often than
    /// four times the condition's own cost, so that polling 50,000 servers does not take the operator's CPU);
    /// fails early when the operator has exited.
    /// </summary>
    private async Task WaitAsync(Func<bool> condition, OperatorRunner op, string what, CancellationToken cancellationToken, Func<string>? progress = null)
    {
        var clock = Stopwatch.StartNew();
        var lastReport = TimeSpan.Zero;
        var interval = TimeSpan.FromMilliseconds(progress is null ? 20 : 500);
        while (true)
        {
            var checkStarted = clock.Elapsed;
            if (condition()) return;
            var cost = clock.Elapsed - checkStarted;
            if (op.HasExited) throw new InvalidOperationException($"the operator exited while waiting for {what}:\n{op.Tail}");
            if (clock.Elapsed > options.Deadline)
                throw new TimeoutException($"timed out after {options.Deadline} waiting for {what} ({progress?.Invoke()}):\n{op.Tail}");
            if (progress is not null && clock.Elapsed - lastReport > TimeSpan.FromSeconds(10))
            {
                lastReport = clock.Elapsed;
                log.WriteLine($"  {what}: {progress()} after {clock.Elapsed.TotalSeconds:0}s");
            }
            await Task.Delay(cost * 4 > interval ? cost * 4 : interval, cancellationToken);
        }
    }

    private static void ResetApiCounts(KubeApiEmulator emulator)
    {
        emulator.ResetWriteCounts();
        emulator.ResetRequestCounts();
    }

    /// <summary>The operator's reads (the benchmark reads the store directly, never through the API).</summary>
    private static KubeReads Reads(KubeApiEmulator emulator)
    {
        var counts = emulator.RequestCounts;
        IReadOnlyDictionary<string, long> By(string verb) => counts.Where(p => p.Key.Verb == verb)
            .GroupBy(p => p.Key.Subresource.Length == 0 ? p.Key.Resource : $"{p.Key.Resource}/{p.Key.Subresource}")
            .ToDictionary(g => g.Key, g => g.Sum(p => p.Value));
        return new KubeReads(By("get"), By("list"), counts.Where(p => p.Key.Verb == "watch").Sum(p => p.Value));
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
