using System.Text.Json.Nodes;

namespace ServerPower.Deployment.Tests.Infrastructure;

/// <summary>The real helm against charts/serverpower-operator.</summary>
public static class Helm
{
    public const string Release = "serverpower-operator";
    public const string Namespace = "serverpower-system";

    /// <summary>The non-default values the tests render with (the list plus every argument-bearing value).</summary>
    public const string NonDefaultValues = """
        replicaCount: 1
        watchNamespaces: [team-a, team-b]
        leaderElection:
          enabled: false
        serviceMonitor:
          enabled: true
          labels:
            release: prometheus
        prometheusRule:
          enabled: true
          labels:
            release: prometheus
        grafanaDashboard:
          enabled: true
          namespace: monitoring
          labels:
            grafana_dashboard: "1"
            team: platform
        labelSelector: serverops.io/fleet=games
        workers: 8
        resyncPeriod: 90s
        provider:
          requestTimeout: 4s
          maxAttempts: 2
          retryBaseDelay: 200ms
          maxRetryDelay: 5s
          batchReadMaxAge: 1s
          breaker:
            failureRatio: 0.5
            minimumThroughput: 10
            samplingDuration: 1m
            breakDuration: 45s
        allowHttpEndpoints: true
        allowedEndpointHosts: [panel.example.com, wings.example.com]
        outbound:
          allowedCidrs: [192.168.10.5/32]
          deniedCidrs: [10.244.0.0/16, 10.96.0.0/12]
        limits:
          probesPerNamespace: 3
          serversPerNamespace: 200
        readinessProbes: false
        activityReads: false
        logFormat: text
        metrics:
          port: 9090
        image:
          repository: registry.example.com/serverpower
          tag: 1.2.3
          pullPolicy: Always
        """;

    public static Task<IReadOnlyList<JsonObject>> RenderDefaultAsync(CancellationToken cancellationToken) =>
        RenderAsync(null, cancellationToken);

    public static Task<IReadOnlyList<JsonObject>> RenderNonDefaultAsync(CancellationToken cancellationToken) =>
        RenderAsync(NonDefaultValues, cancellationToken);

    /// <summary><c>helm template</c> with optional values YAML; fails the test when helm fails.</summary>
    public static async Task<IReadOnlyList<JsonObject>> RenderAsync(string? valuesYaml, CancellationToken cancellationToken, params string[] extraArguments)
    {
        var result = await TemplateAsync(valuesYaml, cancellationToken, extraArguments);
        Assert.True(result.ExitCode == 0, result.Describe());
        return Manifests.Parse(result.StandardOutput);
    }

    /// <summary><c>helm template</c>; the caller decides what the exit code should be.</summary>
    public static async Task<ToolResult> TemplateAsync(string? valuesYaml, CancellationToken cancellationToken, params string[] extraArguments)
    {
        using var values = new ValuesFile(valuesYaml);
        return await Tool.RunAsync("helm",
            ["template", Release, Repository.ChartDirectory, "--namespace", Namespace, .. values.Arguments, .. extraArguments],
            cancellationToken);
    }

    public static async Task<ToolResult> LintAsync(string? valuesYaml, CancellationToken cancellationToken)
    {
        using var values = new ValuesFile(valuesYaml);
        return await Tool.RunAsync("helm", ["lint", Repository.ChartDirectory, "--strict", .. values.Arguments], cancellationToken);
    }

    private sealed class ValuesFile : IDisposable
    {
        private readonly string? path;

        public ValuesFile(string? yaml)
        {
            if (yaml is null)
            {
                return;
            }
            path = Path.Combine(Path.GetTempPath(), $"serverpower-values-{Guid.NewGuid():N}.yaml");
            File.WriteAllText(path, yaml);
        }

        public string[] Arguments => path is null ? [] : ["--values", path];

        public void Dispose()
        {
            if (path is not null)
            {
                File.Delete(path);
            }
        }
    }
}
