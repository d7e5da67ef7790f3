using ServerPower.Deployment.Tests.Infrastructure;

namespace ServerPower.Deployment.Tests.Chart;

/// <summary>crds/ is the source of truth; the chart and the kustomize base carry byte-identical copies.</summary>
public sealed class CrdCopyTests
{
    public static TheoryData<string> Copies => new() { "charts/serverpower-operator/crds", "config/crd/bases" };

    [Theory]
    [MemberData(nameof(Copies))]
    public void The_copy_holds_exactly_the_top_level_crds(string copy)
    {
        var source = Files(Repository.PathOf("crds"));
        var copied = Files(Repository.PathOf(copy.Split('/')));

        Assert.NotEmpty(source);
        Assert.Equal(source.Keys.Order(), copied.Keys.Order());
        foreach (var (name, text) in source)
        {
            Assert.True(text == copied[name], $"{copy}/{name} differs from crds/{name}: run `bash .ci/sync-crds.sh`.");
        }
    }

    [Fact]
    public async Task Helm_installs_every_crd_from_the_chart()
    {
        var objects = await Helm.RenderAsync(null, TestContext.Current.CancellationToken, "--include-crds");

        var names = objects.OfKind("CustomResourceDefinition").Select(c => c.Name()).Order().ToList();
        Assert.Equal(["powerproviders.power.serverops.io", "powerschedules.power.serverops.io", "serverpowers.power.serverops.io"], names);
    }

    private static Dictionary<string, string> Files(string directory) =>
        Directory.GetFiles(directory, "*.yaml").ToDictionary(f => Path.GetFileName(f), File.ReadAllText);
}
