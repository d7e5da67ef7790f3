using System.Text.Json.Nodes;
using ServerPower.Deployment.Tests.Infrastructure;

namespace ServerPower.Deployment.Tests.Chart;

public sealed class ChartLintTests
{
    [Fact]
    public async Task Lint_passes_strictly_with_default_values()
    {
        var result = await Helm.LintAsync(null, TestContext.Current.CancellationToken);

        Assert.True(result.ExitCode == 0, result.Describe());
        Assert.Contains("0 chart(s) failed", result.StandardOutput);
    }

    [Fact]
    public async Task Lint_passes_strictly_with_non_default_values()
    {
        var result = await Helm.LintAsync(Helm.NonDefaultValues, TestContext.Current.CancellationToken);

        Assert.True(result.ExitCode == 0, result.Describe());
    }

    [Fact]
    public void Chart_metadata_names_the_operator_version()
    {
        var chart = Manifests.ParseOne(Repository.ReadText("charts", "serverpower-operator", "Chart.yaml"));

        Assert.Equal("v2", (string?)chart["apiVersion"]);
        Assert.Equal("serverpower-operator", (string?)chart["name"]);
        Assert.Equal("0.1.0", (string?)chart["appVersion"]);
    }

    [Theory]
    [InlineData("workers: many", "/workers")]
    [InlineData("logFormat: xml", "/logFormat")]
    [InlineData("watchNamespaces: team-a", "/watchNamespaces")]
    [InlineData("leaderElection: {enabled: \"yes\"}", "/leaderElection/enabled")]
    [InlineData("resyncPeriod: five minutes", "/resyncPeriod")]
    [InlineData("replicas: 3", "replicas")]
    [InlineData("prometheusRule: {enabled: true, rateWindow: five minutes}", "/prometheusRule/rateWindow")]
    [InlineData("prometheusRule: {enabled: true, alerts: {reconcileErrors: {severity: warning, for: 5m, ratio: 2}}}", "/prometheusRule/alerts")]
    [InlineData("grafanaDashboard: {enabled: yes please}", "/grafanaDashboard/enabled")]
    [InlineData("outbound: {allowedCidrs: [pods]}", "/outbound/allowedCidrs/0")]
    [InlineData("outbound: {allowedHosts: [a]}", "allowedHosts")]
    [InlineData("limits: {probesPerNamespace: 0, serversPerNamespace: 10}", "/limits/probesPerNamespace")]
    public async Task Schema_rejects_values_of_the_wrong_type_or_name(string values, string reported)
    {
        var result = await Helm.TemplateAsync(values, TestContext.Current.CancellationToken);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains(reported, result.StandardError);
    }

    [Fact]
    public async Task Several_replicas_without_leader_election_are_refused()
    {
        var result = await Helm.TemplateAsync("replicaCount: 2\nleaderElection: {enabled: false}", TestContext.Current.CancellationToken);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("replicaCount > 1 needs leaderElection.enabled=true", result.StandardError);
    }

    [Fact]
    public void Every_value_in_values_yaml_is_typed_in_the_schema()
    {
        var values = Manifests.ParseOne(Repository.ReadText("charts", "serverpower-operator", "values.yaml"));
        var schema = JsonNode.Parse(Repository.ReadText("charts", "serverpower-operator", "values.schema.json"))!;

        var untyped = Untyped(values, schema, "").ToList();

        Assert.Empty(untyped);
    }

    // Paths of values.yaml without a "type" in the schema, descending wherever the schema lists properties.
    private static IEnumerable<string> Untyped(JsonObject values, JsonNode schema, string prefix)
    {
        foreach (var (key, value) in values)
        {
            var path = prefix + "/" + key;
            var property = schema["properties"]?[key];
            if (property?["type"] is null)
            {
                yield return path;
            }
            else if (value is JsonObject child && property["properties"] is not null)
            {
                foreach (var nested in Untyped(child, property, path))
                {
                    yield return nested;
                }
            }
        }
    }
}
