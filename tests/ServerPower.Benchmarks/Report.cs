using System.Globalization;
using System.Text;
using System.Text.Json;

namespace ServerPower.Benchmarks;

/// <summary>The result as JSON and as a Markdown table, with each target marked met or missed and by how much.</summary>
public static class Report
{
    private const double MiB = 1024 * 1024;

    public static string Json(BenchmarkResult result) =>
        JsonSerializer.Serialize(result, new JsonSerializerOptions { WriteIndented = true });

    public static string Markdown(BenchmarkResult r)
    {
        var n = (double)r.Options.Servers;
        var o = r.Options;
        var md = new StringBuilder();
        md.AppendLine(Inv($"### N = {o.Servers:N0} servers, {o.Providers} accounts, {o.ProviderRps} req/s each, {o.LatencyMs} ms action latency"));
        md.AppendLine();
        md.AppendLine(Inv($"Machine: {r.Machine}. Operator: --workers {o.Workers} --resync-period {o.ResyncSeconds}s. Run {r.StartedAt:yyyy-MM-dd HH:mm}Z."));
        md.AppendLine();
        md.AppendLine("| Measure | Value | Target | Verdict |");
        md.AppendLine("|---|---|---|---|");
        Row(md, "Initial observation (create N Stopped → all Ready)", Inv($"{r.InitialReadySeconds:0.0} s"), "", "");
        Row(md, "Converged Stopped → Running", Inv($"{r.Converged}/{o.Servers}"), Inv($"{o.Servers}"), r.Converged == o.Servers ? "met" : "missed");
        Row(md, "Convergence time", Inv($"{r.ConvergenceSeconds:0.0} s"), "", "");
        Row(md, "Rate-limit bound (⌈N/P⌉ actions ÷ R)", Inv($"{r.RateLimitBoundSeconds:0.0} s"), "", "");
        Row(md, "Convergence ÷ bound", Inv($"{r.ConvergenceRatio:0.00}×"), "≤ 1.20×", Verdict(r.ConvergenceRatio, 1.2, "×"));
        Row(md, "Provider actions per server (POST)", Per(r.ConvergenceCalls.Actions, n), "1", "");
        Row(md, "Servers that got more than one POST (by provider type)",
            string.Join(", ", r.ServersWithRepeatedActions.Select(p => Inv($"{p.Key} {p.Value}"))), "0", "");
        Row(md, "Provider reads per server: batch / single / other", Inv($"{r.ConvergenceCalls.BatchReads / n:0.000} / {r.ConvergenceCalls.SingleReads / n:0.000} / {r.ConvergenceCalls.OtherReads / n:0.000}"), "", "");
        Row(md, "Kubernetes writes per converged server (serverpowers main + status)",
            Inv($"{r.ConvergenceWrites.ServerPower / n:0.00} ({r.ConvergenceWrites.ServerPowerMain / n:0.00} + {r.ConvergenceWrites.ServerPowerStatus / n:0.00})"),
            "≤ 3", Verdict(r.ConvergenceWrites.ServerPower / n, 3, ""));
        Row(md, "All operator Kubernetes writes per server (incl. events)", Per(r.ConvergenceWrites.All, n), "", "");
        Row(md, Inv($"Steady state ({r.SteadySeconds:0} s ≈ {r.SteadyResyncs:0.0} resyncs): Kubernetes writes"), Inv($"{r.SteadyWrites.All}"), "0", r.SteadyWrites.All == 0 ? "met" : Inv($"missed by {r.SteadyWrites.All}"));
        Row(md, "Steady state: provider actions", Inv($"{r.SteadyCalls.Actions}"), "0", r.SteadyCalls.Actions == 0 ? "met" : Inv($"missed by {r.SteadyCalls.Actions}"));
        Row(md, "Steady state: provider reads per server per resync", Inv($"{r.SteadyReadsPerServerPerResync:0.0000}"), "", "");
        Row(md, "Steady state: batch list reads / single GETs / other GETs",
            Inv($"{r.SteadyCalls.BatchReads} / {r.SteadyCalls.SingleReads} / {r.SteadyCalls.OtherReads}"), "", "");
        Row(md, "Same steady state without batch reads (1 GET per server per resync)",
            Inv($"{r.UncoalescedReadsPerResync * r.SteadyResyncs:N0} GETs vs {r.SteadyCalls.Reads:N0} measured"), "", "");
        Row(md, "Operator peak RSS (VmHWM)", Inv($"{r.Memory.PeakRssBytes / MiB:0.0} MiB"), o.Servers >= 10_000 ? "≤ 150 MiB" : "(≤ 150 MiB at 10k)",
            o.Servers >= 10_000 ? Verdict(r.Memory.PeakRssBytes / MiB, 150, " MiB") : "");
        Row(md, "Operator managed heap / working set at the end", Inv($"{r.Memory.ManagedHeapBytes / MiB:0.0} MiB / {r.Memory.WorkingSetBytes / MiB:0.0} MiB"), "", "");
        Row(md, Inv($"Spec change → provider call, idle queue ({r.LatencyMs.Count} samples): p50 / p99"), Inv($"{r.LatencyP50Ms:0} ms / {r.LatencyP99Ms:0} ms"), "", "");
        return md.ToString();
    }

    private static void Row(StringBuilder md, string measure, string value, string target, string verdict) =>
        md.AppendLine($"| {measure} | {value} | {target} | {verdict} |");

    private static string Per(long count, double n) => Inv($"{count / n:0.000}");

    private static string Verdict(double value, double limit, string unit) =>
        value <= limit ? "met" : Inv($"missed by {value - limit:0.00}{unit} ({(value / limit - 1) * 100:0}% over)");

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
