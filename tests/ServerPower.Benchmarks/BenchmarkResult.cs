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

    /// <summary>By provider type: servers that got more than one POST while converging (a 429 and its retry count here).</summary>
    public required IReadOnlyDictionary<string, int> ServersWithRepeatedActions { get; init; }

    public required double SteadySeconds { get; init; }
    public required double SteadyResyncs { get; init; }
    public required ProviderCalls SteadyCalls { get; init; }
    public required KubeWrites SteadyWrites { get; init; }

    /// <summary>Provider reads per server per resync period in steady state.</summary>
    public double SteadyReadsPerServerPerResync =>
        SteadyResyncs > 0 ? SteadyCalls.Reads / (double)Options.Servers / SteadyResyncs : 0;

    /// <summary>What the same steady state would cost with one single GET per server per resync (no batch reads).</summary>
    public double UncoalescedReadsPerResync => Options.Servers;

    public required OperatorMemory Memory { get; init; }
    public required IReadOnlyList<double> LatencyMs { get; init; }
    public double LatencyP50Ms => Percentile(LatencyMs, 0.50);
    public double LatencyP99Ms => Percentile(LatencyMs, 0.99);

    private static double Percentile(IReadOnlyList<double> values, double p)
    {
        if (values.Count == 0) return 0;
        var sorted = values.Order().ToArray();
        var rank = (int)Math.Ceiling(p * sorted.Length) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Length - 1)];
    }
}

/// <summary>
/// Provider requests by kind: batch list reads (Wenium GET /api/servers, Wings GET /api/servers), single-server
/// GETs, other GETs (credential checks: /api/user, /api/system) and POSTs (power actions).
/// </summary>
public sealed record ProviderCalls(long BatchReads, long SingleReads, long OtherReads, long Actions)
{
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
