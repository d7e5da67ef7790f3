using ServerPower.Deployment.Tests.Infrastructure;

namespace ServerPower.Deployment.Tests.Ci;

/// <summary>
/// The summary CI prints (.ci/summary.sh, called by .ci/run) from the run's TRX files: the simulation's line, each
/// skipped test with its reason, and exactly <c>Tests: N passed, N failed, N skipped</c> as the last line.
/// </summary>
public sealed class SummaryScriptTests : IDisposable
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private readonly DirectoryInfo results = Directory.CreateTempSubdirectory("serverpower-trx-");

    private static string Trx(string counters, string results) => $"""
        <?xml version="1.0" encoding="utf-8"?>
        <TestRun id="1" name="run" xmlns="http://microsoft.com/schemas/VisualStudio/TeamTest/2010">
          <Results>
        {results}
          </Results>
          <ResultSummary outcome="Completed">
            <Counters {counters} />
          </ResultSummary>
        </TestRun>
        """;

    private static string Skipped(string name, string reason) => $"""
            <UnitTestResult testName="{name}" outcome="NotExecuted">
              <Output>
                <ErrorInfo>
                  <Message>{reason}</Message>
                </ErrorInfo>
              </Output>
            </UnitTestResult>
        """;

    private async Task<(int Code, string[] Lines)> SummaryAsync(int status)
    {
        var result = await Tool.RunAsync("bash", [Repository.PathOf(".ci", "summary.sh"), results.FullName, status.ToString(System.Globalization.CultureInfo.InvariantCulture)], Cancel);
        return (result.ExitCode, result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task The_simulation_line_is_printed_whole_with_the_counts_of_its_flows()
    {
        var line = "simulation: seeds=2000 steps=1897406 faults=66634 destructive=2277 violations=0 schedules=1197 overrides=1395 probes=6224 order=3060 autostop=995";
        File.WriteAllText(Path.Combine(results.FullName, "a.trx"), Trx("""total="1" executed="1" passed="1" failed="0" error="0" timeout="0" aborted="0" """,
            $"""    <UnitTestResult testName="Sim" outcome="Passed"><Output><StdOut>{line}</StdOut></Output></UnitTestResult>"""));

        var (code, lines) = await SummaryAsync(0);

        Assert.Equal(0, code);
        Assert.Equal([line, "Tests: 1 passed, 0 failed, 0 skipped"], lines);
    }

    [Fact]
    public async Task Each_skipped_test_is_listed_with_its_reason_above_the_counts()
    {
        File.WriteAllText(Path.Combine(results.FullName, "a.trx"), Trx("""total="5" executed="3" passed="3" failed="0" error="0" timeout="0" aborted="0" """,
            Skipped("E2E.K3s.Scenario", "no Docker engine answers (Testcontainers): the k3s scenarios run where one does") + "\n"
            + Skipped("E2E.Other", "kubectl is not on the PATH &amp; no\n   installer")));
        File.WriteAllText(Path.Combine(results.FullName, "b.trx"), Trx("""total="2" executed="2" passed="2" failed="0" error="0" timeout="0" aborted="0" """, ""));

        var (code, lines) = await SummaryAsync(0);

        Assert.Equal(0, code);
        Assert.Equal(
            ["skipped: E2E.K3s.Scenario: no Docker engine answers (Testcontainers): the k3s scenarios run where one does",
             "skipped: E2E.Other: kubectl is not on the PATH & no installer",
             "Tests: 5 passed, 0 failed, 2 skipped"],
            lines);
    }

    [Fact]
    public async Task A_failed_run_without_results_still_ends_with_the_counts_and_fails()
    {
        var (code, lines) = await SummaryAsync(1);

        Assert.NotEqual(0, code);
        Assert.Equal("Tests: 0 passed, 1 failed, 0 skipped", Assert.Single(lines));
    }

    public void Dispose() => results.Delete(recursive: true);
}
