namespace ServerPower.Benchmarks;

/// <summary>Everything one run measured. Per-server figures divide by the number of servers.</summary>
public sealed record BenchmarkResult
{
    public required BenchmarkOptions Options { get; init; }
    public required string Machine { get; init; }
    public required DateTimeOffset StartedAt { get; init; }

    /// <summary>Seconds from creating the fleet (operator already running) until all N were Ready.</summary>
    public required double InitialReadySeconds { get; init; }

    public required int Converged { get; init; }
    public required double ConvergenceSeconds { get; init; }

    /// <summary>Actions only: ceil(N/P) start calls per account at R per second (the burst ignored).</summary>
    public required double RateLimitBoundSeconds { get; init; }
    public double ConvergenceRatio => RateLimitBoundSeconds > 0 ? ConvergenceSeconds / RateLimitBoundSeconds : 0;

    public required ProviderCalls ConvergenceCalls { get; init; }
    public required KubeWrites ConvergenceWrites { get; init; }
    public required KubeReads ConvergenceReads { get; init; }

    /// <summary>Requests of any kind the simulators' own rate limits answered 429 while converging (their counters).</summary>
    public required long ConvergenceTooManyRequests { get; init; }

    /// <summary>By provider type: servers that got more than one POST while converging, split by whether a 429 explains it.</summary>
    public required IReadOnlyDictionary<string, RepeatedActions> ServersWithRepeatedActions { get; init; }

    /// <summary>Reconciles the operator finished while converging (controller_runtime_reconcile_total, every controller).</summary>
    public required long ConvergenceReconciles { get; init; }

    public required double SteadySeconds { get; init; }
    public required double SteadyResyncs { get; init; }
    public required ProviderCalls SteadyCalls { get; init; }
    public required KubeWrites SteadyWrites { get; init; }
    public required KubeReads SteadyReads { get; init; }

    /// <summary>Provider reads per server per resync period in steady state.</summary>
    public double SteadyReadsPerServerPerResync =>
        SteadyResyncs > 0 ? SteadyCalls.Reads / (double)Options.Servers / SteadyResyncs : 0;

    /// <summary>What the same steady state would cost with one single GET per server per resync (no batch reads).</summary>
    public double UncoalescedReadsPerResync => Options.Servers;

    public required OperatorMemory Memory { get; init; }

    /// <summary>The operator's /metrics at the end of the run: series by metric family (bounded by accounts and namespaces, not servers).</summary>
    public required IReadOnlyDictionary<string, int> MetricSeries { get; init; }

    /// <summary>Servers whose name is a label value anywhere in that /metrics (0: no metric has a per-server label).</summary>
    public required int ServersNamedInMetrics { get; init; }

    /// <summary>Spec change → provider call with the work queue idle.</summary>
    public required IReadOnlyList<double> LatencyMs { get; init; }
    public double LatencyP50Ms => Percentile(LatencyMs, 0.50);
    public double LatencyP99Ms => Percentile(LatencyMs, 0.99);

    /// <summary>Spec change → provider call, each patch sent while a resync pass was running (see <see cref="ResyncLatency"/>).</summary>
    public required ResyncLatency ResyncLatency { get; init; }

    public static double Percentile(IReadOnlyList<double> values, double p)
    {
        if (values.Count == 0) return 0;
        var sorted = values.Order().ToArray();
        var rank = (int)Math.Ceiling(p * sorted.Length) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Length - 1)];
    }
}

/// <summary>
/// Provider requests by kind: batch list reads (Wenium GET /api/servers, Wings GET /api/servers), single-server
/// GETs, other GETs (credential checks: /api/user, /api/system) and POSTs (power actions), of which
/// <paramref name="ActionsRefused"/> were answered 429 by the simulator's own rate limit.
/// </summary>
public sealed record ProviderCalls(long BatchReads, long SingleReads, long OtherReads, long Actions, long ActionsRefused)
{
    public long ActionsAccepted => Actions - ActionsRefused;

    public long Reads => BatchReads + SingleReads + OtherReads;
}

/// <summary>The operator's write requests to the API server: to serverpowers (main resource and status) and to anything (events, leases...).</summary>
public sealed record KubeWrites(long ServerPowerMain, long ServerPowerStatus, long All)
{
    public long ServerPower => ServerPowerMain + ServerPowerStatus;
}

/// <param name="PeakRssBytes">VmHWM of the operator process at the end of the run.</param>
/// <param name="ManagedHeapBytes">dotnet_total_memory_bytes from the operator's /metrics at the end of the run.</param>
/// <param name="WorkingSetBytes">process_working_set_bytes from the operator's /metrics at the end of the run.</param>
public sealed record OperatorMemory(long PeakRssBytes, long ManagedHeapBytes, long WorkingSetBytes);

/// <summary>
/// The operator's read requests to the API server, counted by the emulator: GETs of one object and LISTs by resource
/// (plural), and WATCH requests (every resource). The benchmark itself reads the emulator's store directly, never
/// through the API, so every read counted here is the operator's.
/// </summary>
public sealed record KubeReads(IReadOnlyDictionary<string, long> Gets, IReadOnlyDictionary<string, long> Lists, long Watches)
{
    public long All => Gets.Values.Sum() + Lists.Values.Sum();

    /// <summary>GETs of Secrets: the PowerProvider reconciler reads its credentials on every pass.</summary>
    public long SecretGets => Gets.GetValueOrDefault("secrets");

    public long AllButSecretGets => All - SecretGets;
}

/// <summary>Servers with more than one POST: those where a POST was answered 429 by the simulator's rate limit and
/// at most one was accepted (a refusal and its retry), and the rest.</summary>
public sealed record RepeatedActions(int ExplainedBy429, int Other)
{
    public int Total => ExplainedBy429 + Other;
}

/// <param name="Samples">Milliseconds from sending the patch to the simulator receiving the stop call.</param>
/// <param name="DepthsAtSend">workqueue_depth{name="serverpower"} read just before each patch was sent.</param>
/// <param name="DepthThreshold">A patch is sent once the depth is at least this (a quarter of the servers).</param>
/// <param name="PassesMissed">Waits for a resync pass that ended without seeing the depth reach the threshold.</param>
public sealed record ResyncLatency(IReadOnlyList<double> Samples, IReadOnlyList<long> DepthsAtSend, long DepthThreshold, int PassesMissed)
{
    public double P50Ms => BenchmarkResult.Percentile(Samples, 0.50);
    public double P99Ms => BenchmarkResult.Percentile(Samples, 0.99);
}
