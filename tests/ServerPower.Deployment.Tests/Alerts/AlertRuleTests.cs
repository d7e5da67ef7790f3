using System.Text.Json.Nodes;
using ServerPower.Deployment.Tests.Infrastructure;

namespace ServerPower.Deployment.Tests.Alerts;

/// <summary>
/// The chart's PrometheusRule, rendered by helm and run by promtool (Debian's prometheus package, installed by
/// .ci/install-deploy-tools.sh): it passes <c>promtool check rules</c>, and <c>promtool test rules</c> runs
/// alerts.test.yaml, where every alert has a case that fires and one that stays quiet, from input series.
/// </summary>
public sealed class AlertRuleTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("serverpower-rules-").FullName;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    /// <summary>The PrometheusRule rendered with <paramref name="values"/> (prometheusRule.enabled added).</summary>
    private static async Task<JsonObject> RenderRuleAsync(string values = "")
    {
        var objects = await Helm.RenderAsync("prometheusRule:\n  enabled: true\n" + values, Cancel);
        return objects.Single("PrometheusRule", Helm.Release);
    }

    /// <summary>The rule's spec as a Prometheus rules file (JSON is YAML), written as a file named rules dot yaml in the scratch directory.</summary>
    private async Task<string> WriteRulesAsync(JsonObject rule)
    {
        var path = Path.Combine(dir, "rules.yaml");
        await File.WriteAllTextAsync(path, new JsonObject { ["groups"] = rule["spec"]!["groups"]!.DeepClone() }.ToJsonString(), Cancel);
        return path;
    }

    private static IEnumerable<JsonObject> Alerts(JsonObject rule) =>
        rule["spec"]!["groups"]!.AsArray().SelectMany(g => g!["rules"]!.AsArray()).Select(r => r!.AsObject());

    private static string UnitTests => Repository.PathOf("tests", "ServerPower.Deployment.Tests", "Alerts", "alerts.test.yaml");

    [Fact]
    public async Task The_rendered_rules_pass_promtool_check_rules()
    {
        var rules = await WriteRulesAsync(await RenderRuleAsync());

        var output = await Tool.RunCheckedAsync("promtool", ["check", "rules", rules], Cancel);

        Assert.Contains("SUCCESS: 11 rules found", output);
    }

    [Fact]
    public async Task Every_alert_fires_and_stays_quiet_in_promtool_unit_tests()
    {
        await WriteRulesAsync(await RenderRuleAsync());
        var tests = Path.Combine(dir, "alerts.test.yaml");
        File.Copy(UnitTests, tests);

        var result = await Tool.RunAsync("promtool", ["test", "rules", tests], Cancel);

        Assert.True(result.ExitCode == 0, result.Describe());
        Assert.Contains("SUCCESS", result.StandardOutput + result.StandardError);
    }

    [Fact]
    public async Task The_unit_tests_have_a_firing_and_a_quiet_case_for_every_alert_of_the_chart()
    {
        var alerts = Alerts(await RenderRuleAsync()).Select(a => (string)a["alert"]!).ToList();
        var cases = Manifests.ParseOne(await File.ReadAllTextAsync(UnitTests, Cancel))["tests"]!.AsArray()
            .SelectMany(t => t!["alert_rule_test"]!.AsArray())
            .Select(c => (Alert: (string)c!["alertname"]!, Fires: c["exp_alerts"]!.AsArray().Count > 0))
            .ToList();

        Assert.Equal(11, alerts.Count);
        foreach (var alert in alerts)
        {
            Assert.True(cases.Contains((alert, true)), $"{alert} has no case where it fires");
            Assert.True(cases.Contains((alert, false)), $"{alert} has no case where it stays quiet");
        }
        Assert.All(cases, c => Assert.Contains(c.Alert, alerts));
    }

    [Fact]
    public async Task Every_alert_has_a_severity_a_summary_a_description_and_a_runbook_section_in_the_chart_README()
    {
        var readme = Repository.ReadText("charts/serverpower-operator/README.md");

        foreach (var alert in Alerts(await RenderRuleAsync()))
        {
            var name = (string)alert["alert"]!;
            Assert.False(string.IsNullOrWhiteSpace((string?)alert["labels"]?["severity"]), name);
            Assert.False(string.IsNullOrWhiteSpace((string?)alert["annotations"]?["summary"]), name);
            Assert.False(string.IsNullOrWhiteSpace((string?)alert["annotations"]?["description"]), name);
            Assert.Equal($"https://github.com/serverops/serverpower-operator/blob/main/charts/serverpower-operator/README.md#{name.ToLowerInvariant()}",
                (string?)alert["annotations"]?["runbook_url"]);
            // GitHub's anchor of a heading "#### ServerPowerX" is "serverpowerx"; the section says what to check and do.
            var section = readme.IndexOf($"\n#### {name}\n", StringComparison.Ordinal);
            Assert.True(section >= 0, $"the chart README has no section #### {name}");
            var next = readme.IndexOf("\n#", section + 1, StringComparison.Ordinal); // the last section runs to the end of the page
            var body = readme[section..(next < 0 ? readme.Length : next)];
            Assert.Contains("Check", body, StringComparison.Ordinal);
            Assert.Contains("Do", body, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Thresholds_durations_severities_and_ignored_reasons_come_from_the_values()
    {
        var rule = await RenderRuleAsync("""
              rateWindow: 10m
              runbookBaseUrl: https://docs.example.com/serverpower
              alerts:
                reconcileErrors: {severity: page, for: 30m, ratio: 0.25}
                notInDesiredState: {severity: warning, for: 5m, seconds: 600, ignoreReasons: [Suspended, WaitingForDependencies]}
                workQueueBackingUp: {severity: warning, for: 15m, depth: 2500}
            """);
        var alerts = Alerts(rule).ToDictionary(a => (string)a["alert"]!);

        var errors = alerts["ServerPowerReconcileErrors"];
        Assert.Equal("page", (string?)errors["labels"]?["severity"]);
        Assert.Equal("30m", (string?)errors["for"]);
        Assert.EndsWith("> 0.25", ((string)errors["expr"]!).Trim());
        Assert.Contains("[10m]", (string)errors["expr"]!);
        Assert.Equal("https://docs.example.com/serverpower#serverpowerreconcileerrors", (string?)errors["annotations"]?["runbook_url"]);
        var mismatch = (string)alerts["ServerPowerNotInDesiredState"]["expr"]!;
        Assert.Contains("reason!~\"Suspended|WaitingForDependencies\"", mismatch);
        Assert.EndsWith("> 600", mismatch.Trim());
        Assert.EndsWith("> 2500", ((string)alerts["ServerPowerWorkQueueBackingUp"]["expr"]!).Trim());
        // Alerts left at their defaults keep them (the values file merges).
        Assert.Equal("critical", (string?)alerts["ServerPowerWorkerStuck"]["labels"]?["severity"]);
        Assert.EndsWith("> 300", ((string)alerts["ServerPowerWorkerStuck"]["expr"]!).Trim());
        await Tool.RunCheckedAsync("promtool", ["check", "rules", await WriteRulesAsync(rule)], Cancel);
    }

    [Fact]
    public async Task Rules_select_the_metrics_of_this_release_by_the_job_of_its_metrics_Service()
    {
        var rule = await RenderRuleAsync();

        foreach (var alert in Alerts(rule))
            Assert.Contains($"job=\"{Helm.Release}-metrics\"", (string)alert["expr"]!);
    }

    [Fact]
    public async Task The_metric_names_read_from_the_template_are_those_of_the_rendered_rules()
    {
        var rendered = Alerts(await RenderRuleAsync()).SelectMany(a => PromQl.MetricNames((string)a["expr"]!)).ToHashSet();
        var template = ChartQueries.RuleTemplateExpressions().SelectMany(PromQl.MetricNames).ToHashSet();

        Assert.Equal(rendered.Order(), template.Order());
        Assert.Contains("serverpower_servers_not_in_desired_state_max_seconds", rendered);
    }
}
