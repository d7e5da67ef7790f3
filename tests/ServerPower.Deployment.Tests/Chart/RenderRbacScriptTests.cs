using ServerPower.Deployment.Tests.Infrastructure;

namespace ServerPower.Deployment.Tests.Chart;

/// <summary>.ci/render-rbac.sh: the chart's rules as the end-to-end suite will enforce them.</summary>
public sealed class RenderRbacScriptTests
{
    [Fact]
    public async Task By_default_it_writes_the_ClusterRole_and_the_leader_election_Role_only()
    {
        var yaml = await ChartRbac.RenderOperatorRulesYamlAsync(TestContext.Current.CancellationToken);
        var objects = Manifests.Parse(yaml);

        Assert.Equal(["ClusterRole", "Role"], objects.Select(o => (string?)o["kind"]).Order().ToList());
        ExpectedRbac.AssertRules(ExpectedRbac.OperatorRules, objects.OfKind("ClusterRole").Single()["rules"], "ClusterRole");
        var role = objects.OfKind("Role").Single();
        Assert.Equal(Helm.Namespace, role.Namespace());
        ExpectedRbac.AssertRules(ExpectedRbac.LeaderElectionRules, role["rules"], "leader-election Role");
    }

    [Fact]
    public async Task Helm_arguments_choose_namespaced_Roles_and_the_operator_namespace()
    {
        var yaml = await ChartRbac.RenderOperatorRulesYamlAsync(TestContext.Current.CancellationToken,
            "--namespace", "ops", "--set", "watchNamespaces={games,web}");
        var objects = Manifests.Parse(yaml);

        Assert.Empty(objects.OfKind("ClusterRole"));
        Assert.Equal(["games", "ops", "web"], objects.OfKind("Role").Select(r => r.Namespace()).Order().ToList());
        Assert.All(objects, o => Assert.Equal("Role", (string?)o["kind"]));
    }
}
