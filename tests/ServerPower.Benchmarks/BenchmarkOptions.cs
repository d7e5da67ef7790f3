using System.Globalization;

namespace ServerPower.Benchmarks;

/// <summary>What one benchmark run does; every field has a command-line option of the same name in kebab case.</summary>
public sealed record BenchmarkOptions
{
    public int Servers { get; init; } = 1000;

    /// <summary>Provider accounts; even indexes are Wenium, odd ones Wings; servers are spread round robin.</summary>
    public int Providers { get; init; } = 4;

    /// <summary>PowerProvider.spec.rateLimit (requestsPerSecond and burst) and the simulator's own limit, per account.</summary>
    public double ProviderRps { get; init; } = 50;

    /// <summary>Simulator StartDelay and StopDelay: how long a power action takes at the provider.</summary>
    public int LatencyMs { get; init; } = 200;

    public int SteadySeconds { get; init; } = 60;

    /// <summary>The operator's --resync-period; 15s so that the default 60s steady state holds several resyncs.</summary>
    public int ResyncSeconds { get; init; } = 15;

    public int Workers { get; init; } = 4;

    /// <summary>How many single spec changes the idle-queue latency is measured on.</summary>
    public int LatencySamples { get; init; } = 20;

    /// <summary>Generous deadline for each wait (all Ready, all converged, one latency sample).</summary>
    public TimeSpan Deadline { get; init; } = TimeSpan.FromMinutes(30);

    public string Out { get; init; } = "benchmark-results";

    /// <summary>
    /// How the operator finds the API server: "in-cluster" (production: service account token and CA files,
    /// KUBERNETES_SERVICE_HOST/PORT) or "kubeconfig" (the same token and CA through a kubeconfig, to measure what
    /// reading a kubeconfig costs).
    /// </summary>
    public string Connection { get; init; } = "in-cluster";

    /// <summary>
    /// Extra environment variables for the operator process (NAME=VALUE, the option repeated), e.g. the runtime's GC
    /// knobs (<c>DOTNET_gcConcurrent=1</c>), to measure a setting before it goes into the operator's runtimeconfig.
    /// </summary>
    public IReadOnlyList<string> OperatorEnv { get; init; } = [];

    /// <summary>
    /// The folder holding the ServerPower.Operator.dll to run (e.g. a ReadyToRun publish); null: the build the benchmark
    /// references, next to it.
    /// </summary>
    public string? OperatorDir { get; init; }

    /// <summary>--trace-writes true: log the status sequences the servers go through while converging (StatusWriteTrace).</summary>
    public bool TraceWrites { get; init; }

    public static BenchmarkOptions Parse(IReadOnlyList<string> args)
    {
        var options = new BenchmarkOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            var value = i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{name} needs a value");
            options = name switch
            {
                "--servers" => options with { Servers = Int(value) },
                "--providers" => options with { Providers = Int(value) },
                "--provider-rps" => options with { ProviderRps = double.Parse(value, CultureInfo.InvariantCulture) },
                "--latency-ms" => options with { LatencyMs = Int(value) },
                "--steady-seconds" => options with { SteadySeconds = Int(value) },
                "--resync-seconds" => options with { ResyncSeconds = Int(value) },
                "--workers" => options with { Workers = Int(value) },
                "--latency-samples" => options with { LatencySamples = Int(value) },
                "--deadline-minutes" => options with { Deadline = TimeSpan.FromMinutes(Int(value)) },
                "--out" => options with { Out = value },
                "--operator-dir" => options with { OperatorDir = value },
                "--trace-writes" => options with { TraceWrites = bool.Parse(value) },
                "--operator-env" => value.Contains('=', StringComparison.Ordinal) ? options with { OperatorEnv = [.. options.OperatorEnv, value] }
                    : throw new ArgumentException("--operator-env must be NAME=VALUE"),
                "--connection" => value is "in-cluster" or "kubeconfig" ? options with { Connection = value }
                    : throw new ArgumentException("--connection must be in-cluster or kubeconfig"),
                _ => throw new ArgumentException($"unknown option {name}"),
            };
        }
        return options;
    }

    private static int Int(string value) => int.Parse(value, CultureInfo.InvariantCulture);
}
