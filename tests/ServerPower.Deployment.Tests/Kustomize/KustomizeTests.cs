using System.Text.Json.Nodes;
using ServerPower.Deployment.Tests.Infrastructure;

namespace ServerPower.Deployment.Tests.Kustomize;

/// <summary><c>kubectl kustomize config/default</c> renders what the chart renders with its defaults.</summary>
public sealed class KustomizeTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static async Task<IReadOnlyList<JsonObject>> RenderDefaultAsync() =>
        Manifests.Parse(await Tool.RunCheckedAsync("kubectl", ["kustomize", Repository.PathOf("config", "default")], Cancel));

    [Fact]
    public async Task It_renders_the_namespace_crds_rbac_deployment_and_service()
    {
        var objects = await RenderDefaultAsync();

        Assert.Single(objects.OfKind("Namespace"), n => n.Name() == Helm.Namespace);
        Assert.Equal(["powerproviders.power.serverops.io", "powerschedules.power.serverops.io", "serverpowers.power.serverops.io"],
            objects.OfKind("CustomResourceDefinition").Select(c => c.Name()).Order().ToList());
        Assert.Single(objects.OfKind("ServiceAccount"));
        Assert.Single(objects.OfKind("ClusterRole"));
        Assert.Single(objects.OfKind("ClusterRoleBinding"));
        Assert.Single(objects.OfKind("Role"));
        Assert.Single(objects.OfKind("RoleBinding"));
        Assert.Single(objects.OfKind("Deployment"));
        Assert.Single(objects.OfKind("Service"));
        Assert.All(objects.Where(o => (string?)o["kind"] is not ("Namespace" or "CustomResourceDefinition" or "ClusterRole" or "ClusterRoleBinding")),
            o => Assert.Equal(Helm.Namespace, o.Namespace()));
    }

    [Fact]
    public async Task Its_rbac_equals_the_chart_rules()
    {
        var objects = await RenderDefaultAsync();

        ExpectedRbac.AssertRules(ExpectedRbac.OperatorRules, objects.OfKind("ClusterRole").Single()["rules"], "kustomize ClusterRole");
        ExpectedRbac.AssertRules(ExpectedRbac.LeaderElectionRules, objects.OfKind("Role").Single()["rules"], "kustomize leader-election Role");
        var serviceAccount = objects.OfKind("ServiceAccount").Single();
        foreach (var binding in objects.Where(o => (string?)o["kind"] is "RoleBinding" or "ClusterRoleBinding"))
        {
            var subject = Assert.Single(binding["subjects"]!.AsArray());
            Assert.Equal(serviceAccount.Name(), (string?)subject!["name"]);
            Assert.Equal(Helm.Namespace, (string?)subject["namespace"]);
        }
    }

    [Fact]
    public async Task Its_Deployment_runs_the_same_pod_as_the_chart()
    {
        var kustomized = (await RenderDefaultAsync()).OfKind("Deployment").Single();
        var charted = (await Helm.RenderDefaultAsync(Cancel)).Single("Deployment", Helm.Release);

        var podSpec = kustomized["spec"]!["template"]!["spec"]!.DeepClone();
        var chartPodSpec = charted["spec"]!["template"]!["spec"]!.DeepClone();
        // The image is the one thing that differs: kustomize names it as `docker build -t` tags it.
        var image = (string?)podSpec["containers"]![0]!["image"];
        Assert.EndsWith(":0.1.0", image);
        podSpec["containers"]![0]!.AsObject().Remove("image");
        chartPodSpec["containers"]![0]!.AsObject().Remove("image");
        Assert.True(JsonNode.DeepEquals(chartPodSpec, podSpec),
            $"config/manager/manager.yaml's pod differs from the chart's.\nchart:     {chartPodSpec.ToJsonString()}\nkustomize: {podSpec.ToJsonString()}");
        Assert.Equal((int?)charted["spec"]!["replicas"], (int?)kustomized["spec"]!["replicas"]);
        Assert.True(JsonNode.DeepEquals(charted["spec"]!["selector"], kustomized["spec"]!["selector"]));
    }

    [Fact]
    public async Task The_crd_base_renders_on_its_own()
    {
        var objects = Manifests.Parse(await Tool.RunCheckedAsync("kubectl", ["kustomize", Repository.PathOf("config", "crd")], Cancel));

        Assert.Equal(3, objects.OfKind("CustomResourceDefinition").Count());
    }
}
