using System.Text.Json.Nodes;
using ServerPower.Deployment.Tests.Infrastructure;
using static ServerPower.Deployment.Tests.Chart.DefaultValuesTests;

namespace ServerPower.Deployment.Tests.Chart;

/// <summary><c>helm template</c> with <see cref="Helm.NonDefaultValues"/>: a namespace list, one replica, no leader election, the ServiceMonitor, PrometheusRule and dashboard.</summary>
public sealed class NonDefaultValuesTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_namespace_list_grants_a_Role_per_namespace_and_nothing_cluster_wide()
    {
        var objects = await Helm.RenderNonDefaultAsync(Cancel);

        Assert.Empty(objects.OfKind("ClusterRole"));
        Assert.Empty(objects.OfKind("ClusterRoleBinding"));
        var roles = objects.OfKind("Role").ToList();
        Assert.Equal(["team-a", "team-b"], roles.Select(r => r.Namespace()).Order().ToList());
        foreach (var role in roles)
        {
            ExpectedRbac.AssertRules(ExpectedRbac.OperatorRules, role["rules"], $"Role in {role.Namespace()}");
        }
        var bindings = objects.OfKind("RoleBinding").ToList();
        Assert.Equal(["team-a", "team-b"], bindings.Select(b => b.Namespace()).Order().ToList());
        foreach (var binding in bindings)
        {
            Assert.Equal("Role", (string?)binding["roleRef"]?["kind"]);
            Assert.Equal(Helm.Release, (string?)binding["roleRef"]?["name"]);
            AssertBindsOperatorServiceAccount(binding);
        }
    }

    [Fact]
    public async Task Without_leader_election_there_is_no_Lease_role_and_one_replica()
    {
        var objects = await Helm.RenderNonDefaultAsync(Cancel);
        var deployment = objects.Single("Deployment", Helm.Release);

        Assert.DoesNotContain(objects.OfKind("Role"), r => r.Namespace() == Helm.Namespace);
        Assert.DoesNotContain(objects.SelectMany(o => o["rules"]?.AsArray() ?? []), r => r!["resources"]!.ToJsonString().Contains("leases"));
        Assert.Equal(1, (int?)deployment["spec"]?["replicas"]);
    }

    [Fact]
    public async Task Arguments_follow_the_values()
    {
        var container = Container((await Helm.RenderNonDefaultAsync(Cancel)).Single("Deployment", Helm.Release));

        Assert.Equal(
            ["--port=9090", "--workers=8", "--resync-period=90s", "--min-poll=2s", "--max-poll=30s", "--start-timeout=5m", "--drain-timeout=20s",
             "--provider-request-timeout=4s", "--provider-max-attempts=2", "--provider-retry-base-delay=200ms",
             "--provider-max-retry-delay=5s", "--provider-batch-read-max-age=1s", "--breaker-failure-ratio=0.5",
             "--breaker-minimum-throughput=10", "--breaker-sampling-duration=1m", "--breaker-break-duration=45s",
             "--leader-election=false", "--namespaces=team-a,team-b",
             "--label-selector=serverops.io/fleet=games", "--allow-http-endpoints=true",
             "--allowed-endpoint-hosts=panel.example.com,wings.example.com", "--allowed-cidrs=192.168.10.5/32",
             "--denied-cidrs=10.244.0.0/16,10.96.0.0/12", "--max-probes-per-namespace=3", "--max-servers-per-namespace=200",
             "--readiness-probes=false", "--activity-reads=false", "--log-format=text"],
            Strings(container["args"]));
        Assert.Equal("registry.example.com/serverpower:1.2.3", (string?)container["image"]);
        Assert.Equal("Always", (string?)container["imagePullPolicy"]);
        Assert.Equal(9090, (int?)container["ports"]?[0]?["containerPort"]);
    }

    [Fact]
    public async Task The_ServiceMonitor_scrapes_the_metrics_port_of_this_release()
    {
        var objects = await Helm.RenderNonDefaultAsync(Cancel);

        var monitor = objects.Single("ServiceMonitor", Helm.Release);
        Assert.Equal("monitoring.coreos.com/v1", (string?)monitor["apiVersion"]);
        Assert.Equal("prometheus", (string?)monitor["metadata"]?["labels"]?["release"]);
        var endpoint = Assert.Single(monitor["spec"]!["endpoints"]!.AsArray());
        Assert.Equal("metrics", (string?)endpoint!["port"]);
        Assert.Equal("/metrics", (string?)endpoint["path"]);
        var service = objects.Single("Service", Helm.Release + "-metrics");
        Assert.Equal(9090, (int?)service["spec"]?["ports"]?[0]?["port"]);
        foreach (var (key, value) in monitor["spec"]!["selector"]!["matchLabels"]!.AsObject())
        {
            Assert.Equal((string?)value, (string?)service["metadata"]?["labels"]?[key]);
        }
        Assert.Equal([Helm.Namespace], Strings(monitor["spec"]?["namespaceSelector"]?["matchNames"]));
    }

    [Fact]
    public async Task The_ServiceMonitor_keeps_the_fleet_metrics_namespace_label()
    {
        var objects = await Helm.RenderNonDefaultAsync(Cancel);

        var endpoint = Assert.Single(objects.Single("ServiceMonitor", Helm.Release)["spec"]!["endpoints"]!.AsArray());
        Assert.True((bool?)endpoint!["honorLabels"]);
    }

    [Fact]
    public async Task The_PrometheusRule_is_a_valid_object_of_this_release_with_its_labels()
    {
        var objects = await Helm.RenderNonDefaultAsync(Cancel);

        var rule = objects.Single("PrometheusRule", Helm.Release);
        Assert.Equal("monitoring.coreos.com/v1", (string?)rule["apiVersion"]);
        Assert.Equal(Helm.Namespace, rule.Namespace());
        Assert.Equal("prometheus", (string?)rule["metadata"]?["labels"]?["release"]);
        Assert.Equal(Helm.Release, (string?)rule["metadata"]?["labels"]?["app.kubernetes.io/instance"]);
        var group = Assert.Single(rule["spec"]!["groups"]!.AsArray());
        Assert.Equal("serverpower-operator", (string?)group!["name"]);
        foreach (var alert in group["rules"]!.AsArray())
        {
            Assert.Matches("^ServerPower[A-Za-z]+$", (string?)alert!["alert"]);
            Assert.False(string.IsNullOrWhiteSpace((string?)alert["expr"]));
            Assert.Matches("^[0-9]+[smh]$", (string?)alert["for"]);
            Assert.Equal(["severity"], alert["labels"]!.AsObject().Select(l => l.Key));
            Assert.Equal(["summary", "description", "runbook_url"], alert["annotations"]!.AsObject().Select(a => a.Key));
        }
    }

    [Fact]
    public async Task The_dashboard_ConfigMap_is_labelled_for_Grafanas_sidecar_and_holds_the_dashboard_json()
    {
        var objects = await Helm.RenderNonDefaultAsync(Cancel);

        var map = objects.Single("ConfigMap", Helm.Release + "-dashboard");
        Assert.Equal("v1", (string?)map["apiVersion"]);
        Assert.Equal("monitoring", map.Namespace());
        Assert.Equal("1", (string?)map["metadata"]?["labels"]?["grafana_dashboard"]);
        Assert.Equal("platform", (string?)map["metadata"]?["labels"]?["team"]);
        var (key, value) = Assert.Single(map["data"]!.AsObject());
        Assert.EndsWith(".json", key);
        var json = (string)value!;
        // kubectl's client-side apply keeps the whole object in an annotation of at most 256 KiB.
        Assert.True(json.Length < 200_000, $"{json.Length} characters");
        var dashboard = JsonNode.Parse(json)!;
        Assert.Equal(JsonNode.Parse(Repository.ReadText("charts", "serverpower-operator", "dashboards", "serverpower-operator.json"))!.ToJsonString(),
            dashboard.ToJsonString());
        Assert.Equal("serverpower-operator", (string?)dashboard["uid"]);
        var titles = dashboard["panels"]!.AsArray().Select(p => (string?)p!["title"]).ToList();
        foreach (var row in new[] { "Fleet", "Actions and probes", "Providers (per account)", "Work queue and reconciles", "Process" })
            Assert.Contains(row, titles);
        foreach (var panel in new[] { "Servers by power state", "Servers not in their desired state", "Actions by outcome",
                     "Request latency p50 / p99 by account", "429 and 5xx share by account", "Work queue depth", "Reconcile latency p50 / p99", "Memory" })
            Assert.Contains(panel, titles);
    }

    [Fact]
    public async Task Leader_election_alone_can_be_turned_off_for_a_single_replica_watching_everything()
    {
        var objects = await Helm.RenderAsync("replicaCount: 1\nleaderElection: {enabled: false}", Cancel);

        var clusterRole = objects.Single("ClusterRole", Helm.Release);
        ExpectedRbac.AssertRules(ExpectedRbac.OperatorRules, clusterRole["rules"], "ClusterRole");
        Assert.Empty(objects.OfKind("Role"));
    }
}
