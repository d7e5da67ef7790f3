using System.Diagnostics;
using System.Text;
using ServerPower.Reliability.Tests.Infrastructure;
using ServerPower.Reliability.Tests.Rows;
using ServerPower.Sandbox.Command;

namespace ServerPower.Reliability.Tests;

/// <summary>
/// The fault table: the operator as a real process against the API emulator and the provider simulators, one world
/// per row, rows run a few at a time. Prints the table, writes it to TestResults/reliability.md, then fails on any
/// duplicated destructive action, lost declared state, missing reason or leaked secret. Times are measured, never
/// asserted. RELIABILITY_ROWS (a substring of the row names, case-insensitive) runs only some rows.
/// </summary>
public sealed class FaultTableTests
{
    private const int Seed = 20261130;

    [Fact]
    public async Task Every_fault_row_loses_nothing_duplicates_nothing_and_leaks_no_secret()
    {
        var suite = new Suite();
        var only = Environment.GetEnvironmentVariable("RELIABILITY_ROWS");
        var jobs = Jobs(suite).Where(j => string.IsNullOrEmpty(only) || j.Name.Contains(only, StringComparison.OrdinalIgnoreCase)).ToList();
        var clock = Stopwatch.StartNew();
        using var gate = new SemaphoreSlim(6);
        var results = await Task.WhenAll(jobs.Select(async job =>
        {
            await gate.WaitAsync();
            var started = Stopwatch.StartNew();
            try
            {
                var done = await job.Run();
                TestContext.Current.TestOutputHelper?.WriteLine($"row '{job.Name}' took {FaultRow.Seconds(started.Elapsed)}");
                return done;
            }
            catch (Exception e)
            {
                var row = new FaultRow(job.Name, 0, 0, 0, 0, 0, "error");
                row.Problems.Add($"{job.Name}: {e.GetType().Name}: {e.Message}");
                return [row];
            }
            finally
            {
                gate.Release();
            }
        }));
        var late = await suite.RunLateChecksAsync();
        var rows = results.SelectMany(r => r).ToList();

        var table = Render(rows, suite, clock.Elapsed);
        TestContext.Current.TestOutputHelper?.WriteLine(table);
        var dir = Path.Combine(RepositoryRoot.Find(), "TestResults");
        Directory.CreateDirectory(dir);
        await File.WriteAllTextAsync(Path.Combine(dir, "reliability.md"), table, TestContext.Current.CancellationToken);

        var problems = rows.SelectMany(r => r.Problems).Concat(late).Concat(suite.Leaks.Select(l => $"secret leaked: {l}")).ToList();
        if (suite.LogLines == 0 || suite.MetricsScrapes == 0 || suite.Events == 0 || suite.Statuses == 0)
            problems.Add("the secret scan had nothing to look at (no output, /metrics, events or status gathered)");
        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    private static IEnumerable<(string Name, Func<Task<IReadOnlyList<FaultRow>>> Run)> Jobs(Suite suite)
    {
        // Longest first, so the short rows fill in around them.
        yield return ("429 Retry-After 30", async () => [await ProviderFaultRows.RunAsync(suite, "429 with Retry-After: 30", "ra30", Fault("ra30"))]);
        yield return ("provider 5xx storm", async () => [await ProviderFaultRows.RunAsync(suite, Name("storm"), "storm", Fault("storm"))]);
        yield return ("leader change", async () => [await ProcessRows.LeaderChangeAsync(suite, Seed)]);
        yield return ("SIGKILL", async () => [await ProcessRows.KillStreamAsync(suite, Seed, rounds: 4)]);
        yield return ("API outage", async () => [await ApiFaultRows.OutageAsync(suite, TimeSpan.FromSeconds(10))]);
        yield return ("429 Retry-After 3600", async () => [await ProviderFaultRows.RetryAfterAnHourAsync(suite)]);
        foreach (var (fault, ns, inject) in ProviderFaultRows.Faults().Where(f => f.Ns is not ("ra30" or "storm")))
            yield return (fault, async () => [await ProviderFaultRows.RunAsync(suite, fault, ns, inject)]);
        yield return ("DNS failure", async () => [await ProviderFaultRows.DnsFailureAsync(suite)]);
        yield return ("watch streams dropped", async () => [await ApiFaultRows.WatchDropsAsync(suite)]);
        yield return ("410 Gone", async () => [await ApiFaultRows.GoneAsync(suite)]);
        yield return ("409 on status writes", async () => [await ApiFaultRows.ConflictsAsync(suite, TimeSpan.FromSeconds(5))]);
        yield return ("namespace deleted", async () => [await ProcessRows.NamespaceDeletedAsync(suite)]);
        yield return ("bad inputs", async () => await BadInputRows.RunAsync(suite));
        yield return ("flooding tenant", async () => [await OutboundRows.FloodingTenantAsync(suite)]);
        yield return ("refused targets", async () => await OutboundRows.RefusedTargetsAsync(suite));
    }

    private static Func<Sandbox.Providers.IProviderSimulator, TimeSpan> Fault(string ns) => ProviderFaultRows.Faults().Single(f => f.Ns == ns).Inject;

    private static string Name(string ns) => ProviderFaultRows.Faults().Single(f => f.Ns == ns).Fault;

    private static string Render(IReadOnlyList<FaultRow> rows, Suite suite, TimeSpan elapsed)
    {
        var text = new StringBuilder();
        text.AppendLine("| fault | servers | actions expected | actions sent | duplicates | declared states lost | time to recover |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|---|");
        foreach (var row in rows) text.AppendLine(row.Markdown);
        text.AppendLine();
        text.AppendLine($"Secret scan: {suite.ScannedSecrets} tokens, in plain text and base64, over {suite.LogLines} lines of operator output, " +
            $"{suite.MetricsScrapes} /metrics scrapes, {suite.Events} events and {suite.Statuses} object statuses ({suite.ScannedWorlds} scans, one per row's world at its end): {suite.Leaks.Count} found.");
        text.AppendLine($"Suite: {rows.Count} rows in {FaultRow.Seconds(elapsed)}; problems: {rows.Sum(r => r.Problems.Count)}.");
        return text.ToString();
    }
}
