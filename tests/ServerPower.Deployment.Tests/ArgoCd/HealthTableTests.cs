using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using ServerPower.Api.Vocabulary;
using ServerPower.Deployment.Tests.Infrastructure;

namespace ServerPower.Deployment.Tests.ArgoCd;

/// <summary>
/// The health table in config/argocd/README.md says what the ServerPower health.lua does: every Ready reason the
/// table puts under Progressing or Degraded gets that status from the real script (run by lua5.4 through the repository's
/// own runner), and every reason Ready can be False with (crds/README.md) is in the table.
/// </summary>
public sealed partial class HealthTableTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static readonly HashSet<string> Vocabulary = typeof(Reasons).GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (string)f.GetRawConstantValue()!).ToHashSet(StringComparer.Ordinal);

    /// <summary>The ServerPower row's cells: kind, Healthy, Progressing, Degraded, Suspended.</summary>
    private static string[] Row()
    {
        var line = Repository.ReadText("config/argocd/README.md").Split('\n').Single(l => l.StartsWith("| ServerPower |", StringComparison.Ordinal));
        return line.Trim('|', ' ').Split(" | ");
    }

    private static List<string> Reasons(string text) =>
        Quoted().Matches(text).Select(m => m.Groups[1].Value).Where(Vocabulary.Contains).ToList();

    [Fact]
    public void Every_reason_Ready_can_be_False_with_is_in_the_table()
    {
        var api = Repository.ReadText("crds/README.md");
        var start = api.IndexOf("`Ready` — is the server", StringComparison.Ordinal);
        var readyTable = api[start..api.IndexOf("`Synced` — did the last reconcile", start, StringComparison.Ordinal)];
        var falseReasons = readyTable.Split('\n').Where(l => l.StartsWith("| False |", StringComparison.Ordinal)).SelectMany(Reasons).ToList();
        Assert.Contains("ProbePending", falseReasons);

        var row = string.Join(" ", Row());
        var missing = falseReasons.Where(r => !row.Contains($"`{r}`", StringComparison.Ordinal)).ToList();
        Assert.True(missing.Count == 0, "the Argo CD health table does not place: " + string.Join(", ", missing));
    }

    [Fact]
    public async Task The_health_script_gives_each_reason_the_status_the_table_says()
    {
        var row = Row();
        var degraded = row[3];
        var split = degraded.IndexOf("`Ready=False` with", StringComparison.Ordinal);
        var cases = Reasons(row[2]).Select(r => (Reason: r, Synced: true, Status: "Progressing"))
            .Concat(Reasons(degraded[..split]).Select(r => (Reason: r, Synced: false, Status: "Degraded")))
            .Concat(Reasons(degraded[split..]).Select(r => (Reason: r, Synced: true, Status: "Degraded")))
            .ToList();
        Assert.Contains(cases, c => c is { Reason: "ProbePending", Status: "Progressing" });
        Assert.Contains(cases, c => c is { Reason: "WaitingForDependencies", Status: "Progressing" });
        Assert.Contains(cases, c => c is { Reason: "ProbeFailing", Status: "Degraded" });

        var dir = Directory.CreateTempSubdirectory("serverpower-health-table-").FullName;
        try
        {
            File.Copy(Repository.PathOf("config", "argocd", "power.serverops.io", "ServerPower", "health.lua"), Path.Combine(dir, "health.lua"));
            Directory.CreateDirectory(Path.Combine(dir, "testdata"));
            var tests = new StringBuilder("tests:\n");
            foreach (var (reason, synced, status) in cases)
            {
                var file = $"{reason}-{(synced ? "synced" : "not-synced")}.yaml";
                File.WriteAllText(Path.Combine(dir, "testdata", file), Fixture(reason, synced));
                var message = synced ? $"{reason}: ready says why" : $"{reason}: synced says why";
                tests.Append($"- healthStatus:\n    status: {status}\n    message: \"{message}\"\n  inputPath: testdata/{file}\n");
            }
            File.WriteAllText(Path.Combine(dir, "health_test.yaml"), tests.ToString());

            var result = await Tool.RunAsync("lua5.4", [Repository.PathOf("config", "argocd", "test-health.lua"), dir], Cancel);

            Assert.True(result.ExitCode == 0, result.Describe());
            Assert.Contains($"health tests: {cases.Count} passed, 0 failed", result.StandardOutput);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static string Fixture(string reason, bool synced) => $"""
        apiVersion: power.serverops.io/v1alpha1
        kind: ServerPower
        metadata:
          name: web-1
          namespace: games
          generation: 2
        spec:
          providerRef:
            name: wenium-main
          serverId: "1234"
          state: Running
        status:
          observedGeneration: 2
          conditions:
          - type: Ready
            status: "False"
            reason: {reason}
            message: "ready says why"
          - type: Synced
            status: "{(synced ? "True" : "False")}"
            reason: {(synced ? "ReconcileSucceeded" : reason)}
            message: "{(synced ? "Provider reached" : "synced says why")}"

        """;

    [GeneratedRegex("`([A-Za-z]+)`")]
    private static partial Regex Quoted();
}
