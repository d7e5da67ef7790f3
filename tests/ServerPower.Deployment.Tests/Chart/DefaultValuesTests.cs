using System.Text.Json.Nodes;
using ServerPower.Deployment.Tests.Infrastructure;

namespace ServerPower.Deployment.Tests.Chart;

/// <summary><c>helm template</c> with the chart's default values: all namespaces, two replicas with leader election.</summary>
public sealed class DefaultValuesTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Watching_all_namespaces_grants_the_operator_rules_in_one_ClusterRole()
    {
        var objects = await Helm.RenderDefaultAsync(Cancel);

        var clusterRole = objects.Single("ClusterRole", Helm.Release);
        ExpectedRbac.AssertRules(ExpectedRbac.OperatorRules, clusterRole["rules"], "ClusterRole");
        var binding = objects.Single("ClusterRoleBinding", Helm.Release);
        Assert.Equal("ClusterRole", (string?)binding["roleRef"]?["kind"]);
        Assert.Equal(Helm.Release, (string?)binding["roleRef"]?["name"]);
        AssertBindsOperatorServiceAccount(binding);
        Assert.Single(objects.OfKind("ClusterRole"));
    }

    [Fact]
    public async Task Leader_election_gets_its_own_Role_in_the_release_namespace()
    {
        var objects = await Helm.RenderDefaultAsync(Cancel);

        var role = Assert.Single(objects.OfKind("Role"));
        Assert.Equal(Helm.Namespace, role.Namespace());
        ExpectedRbac.AssertRules(ExpectedRbac.LeaderElectionRules, role["rules"], "leader-election Role");
        var binding = Assert.Single(objects.OfKind("RoleBinding"));
        Assert.Equal(Helm.Namespace, binding.Namespace());
        Assert.Equal(role.Name(), (string?)binding["roleRef"]?["name"]);
        AssertBindsOperatorServiceAccount(binding);
    }

    [Fact]
    public async Task Secrets_are_only_ever_read_one_by_one()
    {
        var objects = await Helm.RenderDefaultAsync(Cancel);

        var secretVerbs = objects.Where(o => (string?)o["kind"] is "Role" or "ClusterRole")
            .SelectMany(o => o["rules"]!.AsArray())
            .Where(r => r!["resources"]!.AsArray().Any(x => (string?)x is "secrets" or "*"))
            .SelectMany(r => r!["verbs"]!.AsArray().Select(v => (string?)v))
            .ToList();

        Assert.Equal(["get"], secretVerbs);
    }

    [Fact]
    public async Task The_Deployment_runs_two_replicas_with_leader_election()
    {
        var deployment = (await Helm.RenderDefaultAsync(Cancel)).Single("Deployment", Helm.Release);
        var container = Container(deployment);

        Assert.Equal(2, (int?)deployment["spec"]?["replicas"]);
        Assert.Equal(
            ["--port=8080", "--workers=4", "--resync-period=5m", "--min-poll=2s", "--max-poll=30s", "--start-timeout=5m", "--drain-timeout=20s",
             "--provider-request-timeout=10s", "--provider-max-attempts=3", "--provider-retry-base-delay=500ms",
             "--provider-max-retry-delay=30s", "--provider-batch-read-max-age=2s", "--breaker-failure-ratio=0.8",
             "--breaker-minimum-throughput=5", "--breaker-sampling-duration=30s", "--breaker-break-duration=30s",
             "--leader-election=true",
             "--leader-election-lease=serverpower-operator", "--allow-http-endpoints=false",
             "--max-probes-per-namespace=8", "--max-servers-per-namespace=1000", "--log-format=json"],
            Strings(container["args"]));
        Assert.Equal("ghcr.io/serverops/serverpower-operator:0.1.0", (string?)container["image"]);
        Assert.Equal(Helm.Release, (string?)deployment["spec"]?["template"]?["spec"]?["serviceAccountName"]);
    }

    [Fact]
    public async Task The_secure_outbound_default_ships_no_allowed_cidr_so_loopback_and_metadata_stay_refused()
    {
        var args = Strings(Container((await Helm.RenderDefaultAsync(Cancel)).Single("Deployment", Helm.Release))["args"]);

        Assert.DoesNotContain(args, a => a!.StartsWith("--allowed-cidrs", StringComparison.Ordinal));
        Assert.DoesNotContain(args, a => a!.StartsWith("--allow-http-endpoints=true", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Pod_name_and_namespace_come_from_the_downward_API()
    {
        var container = Container((await Helm.RenderDefaultAsync(Cancel)).Single("Deployment", Helm.Release));

        var env = container["env"]!.AsArray().ToDictionary(e => (string)e!["name"]!, e => (string?)e!["valueFrom"]?["fieldRef"]?["fieldPath"]);
        Assert.Equal("metadata.name", env["POD_NAME"]);
        Assert.Equal("metadata.namespace", env["POD_NAMESPACE"]);
    }

    [Fact]
    public async Task Probes_check_healthz_and_readyz_on_the_metrics_port()
    {
        var container = Container((await Helm.RenderDefaultAsync(Cancel)).Single("Deployment", Helm.Release));

        var port = Assert.Single(container["ports"]!.AsArray());
        Assert.Equal(8080, (int?)port!["containerPort"]);
        Assert.Equal("http", (string?)port["name"]);
        Assert.Equal("/healthz", (string?)container["livenessProbe"]?["httpGet"]?["path"]);
        Assert.Equal("http", (string?)container["livenessProbe"]?["httpGet"]?["port"]);
        Assert.Equal("/readyz", (string?)container["readinessProbe"]?["httpGet"]?["path"]);
        Assert.Equal("http", (string?)container["readinessProbe"]?["httpGet"]?["port"]);
    }

    [Fact]
    public async Task The_container_is_locked_down()
    {
        var deployment = (await Helm.RenderDefaultAsync(Cancel)).Single("Deployment", Helm.Release);
        var security = Container(deployment)["securityContext"]!;
        var pod = deployment["spec"]!["template"]!["spec"]!;

        Assert.True((bool?)security["runAsNonRoot"]);
        Assert.Equal(1654, (int?)security["runAsUser"]);
        Assert.True((bool?)security["readOnlyRootFilesystem"]);
        Assert.False((bool?)security["allowPrivilegeEscalation"]);
        Assert.False((bool?)security["privileged"]);
        Assert.Equal(["ALL"], Strings(security["capabilities"]?["drop"]));
        Assert.Null(security["capabilities"]?["add"]);
        Assert.Equal("RuntimeDefault", (string?)security["seccompProfile"]?["type"]);
        Assert.True((bool?)pod["securityContext"]?["runAsNonRoot"]);
        Assert.Equal("RuntimeDefault", (string?)pod["securityContext"]?["seccompProfile"]?["type"]);
    }

    [Fact]
    public async Task A_writable_tmp_is_mounted_and_resources_are_set()
    {
        var deployment = (await Helm.RenderDefaultAsync(Cancel)).Single("Deployment", Helm.Release);
        var container = Container(deployment);

        var mount = Assert.Single(container["volumeMounts"]!.AsArray());
        Assert.Equal("/tmp", (string?)mount!["mountPath"]);
        var volume = Assert.Single(deployment["spec"]!["template"]!["spec"]!["volumes"]!.AsArray());
        Assert.Equal((string?)mount["name"], (string?)volume!["name"]);
        Assert.NotNull(volume["emptyDir"]);
        Assert.Equal("50m", (string?)container["resources"]?["requests"]?["cpu"]);
        Assert.Equal("256Mi", (string?)container["resources"]?["requests"]?["memory"]);
        Assert.Equal("384Mi", (string?)container["resources"]?["limits"]?["memory"]);
    }

    [Fact]
    public async Task The_metrics_Service_selects_the_operator_pods_and_no_ServiceMonitor_rule_or_dashboard_is_rendered()
    {
        var objects = await Helm.RenderDefaultAsync(Cancel);
        var deployment = objects.Single("Deployment", Helm.Release);
        var service = objects.Single("Service", Helm.Release + "-metrics");

        var port = Assert.Single(service["spec"]!["ports"]!.AsArray());
        Assert.Equal("metrics", (string?)port!["name"]);
        Assert.Equal(8080, (int?)port["port"]);
        Assert.Equal("http", (string?)port["targetPort"]);
        var podLabels = deployment["spec"]!["template"]!["metadata"]!["labels"]!.AsObject();
        foreach (var (key, value) in service["spec"]!["selector"]!.AsObject())
        {
            Assert.Equal((string?)value, (string?)podLabels[key]);
        }
        Assert.Empty(objects.OfKind("ServiceMonitor"));
        Assert.Empty(objects.OfKind("PrometheusRule"));
        Assert.Empty(objects.OfKind("ConfigMap"));
    }

    [Fact]
    public async Task Every_object_carries_the_standard_labels()
    {
        var objects = await Helm.RenderDefaultAsync(Cancel);

        Assert.NotEmpty(objects);
        foreach (var o in objects)
        {
            var labels = o["metadata"]?["labels"];
            Assert.Equal("serverpower-operator", (string?)labels?["app.kubernetes.io/name"]);
            Assert.Equal(Helm.Release, (string?)labels?["app.kubernetes.io/instance"]);
            Assert.Equal("0.1.0", (string?)labels?["app.kubernetes.io/version"]);
            Assert.Equal("Helm", (string?)labels?["app.kubernetes.io/managed-by"]);
            Assert.Equal("serverpower-operator-0.1.0", (string?)labels?["helm.sh/chart"]);
        }
    }

    [Fact]
    public async Task Namespaced_objects_land_in_the_release_namespace()
    {
        var objects = await Helm.RenderDefaultAsync(Cancel);

        foreach (var o in objects.Where(o => (string?)o["kind"] is not ("ClusterRole" or "ClusterRoleBinding")))
        {
            Assert.Equal(Helm.Namespace, o.Namespace());
        }
    }

    internal static JsonNode Container(JsonObject deployment) =>
        Assert.Single(deployment["spec"]!["template"]!["spec"]!["containers"]!.AsArray())!;

    internal static List<string?> Strings(JsonNode? array) => array!.AsArray().Select(x => (string?)x).ToList();

    internal static void AssertBindsOperatorServiceAccount(JsonObject binding)
    {
        var subject = Assert.Single(binding["subjects"]!.AsArray());
        Assert.Equal("ServiceAccount", (string?)subject!["kind"]);
        Assert.Equal(Helm.Release, (string?)subject["name"]);
        Assert.Equal(Helm.Namespace, (string?)subject["namespace"]);
    }
}
