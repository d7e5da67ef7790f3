namespace ServerPower.Sandbox.Tests.Kubernetes;

/// <summary>The project's own CRDs (crds/ at the repository root) installed with the real kubectl.</summary>
public sealed class ProjectCrdTests
{
    [Fact]
    public async Task Kubectl_apply_installs_the_project_crds_and_explain_documents_them()
    {
        Assert.SkipUnless(Kubectl.Available, "kubectl is not on the PATH");
        var crds = RepositoryRoot.Combine("crds");
        Assert.SkipWhen(!Directory.Exists(crds) || Directory.GetFiles(crds, "*.yaml").Length == 0,
            "crds/ holds no CRD yet");
        await using var h = await EmulatorHarness.StartAsync();

        var applied = await h.Kubectl.MustAsync($"apply -f {crds}");
        Assert.Contains("serverpowers.power.serverops.io created", applied.StdOut);
        await h.Kubectl.MustAsync("wait --for=condition=Established crd/serverpowers.power.serverops.io crd/powerproviders.power.serverops.io --timeout=60s");
        Assert.Contains("unchanged", (await h.Kubectl.MustAsync($"apply -f {crds}")).StdOut);

        var explain = (await h.Kubectl.MustAsync("explain serverpower.spec")).StdOut;
        Assert.Contains("KIND:       ServerPower", explain);
        Assert.Contains("state", explain);
        Assert.Contains("serverId", explain);
        Assert.Contains("providerRef", explain);

        var empty = await h.Kubectl.MustAsync("get serverpowers -A");
        Assert.Contains("No resources found", empty.StdErr);
        await h.Kubectl.MustAsync("explain powerprovider.spec");

        await h.Kubectl.MustAsync("wait --for=condition=Established crd/powerschedules.power.serverops.io --timeout=60s");
        var schedule = (await h.Kubectl.MustAsync("explain powerschedule.spec.running")).StdOut;
        Assert.Contains("KIND:       PowerSchedule", schedule);
        Assert.Contains("from", schedule);
        Assert.Contains("No resources found", (await h.Kubectl.MustAsync("get psch -A")).StdErr);
    }
}
