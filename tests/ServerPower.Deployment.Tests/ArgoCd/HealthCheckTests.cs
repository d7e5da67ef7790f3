using ServerPower.Deployment.Tests.Infrastructure;

namespace ServerPower.Deployment.Tests.ArgoCd;

/// <summary>The Argo CD health checks in config/argocd, run by lua5.4 against their fixtures.</summary>
public sealed class HealthCheckTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static string ArgoCd => Repository.PathOf("config", "argocd");

    private static string Runner => Path.Combine(ArgoCd, "test-health.lua");

    private static IEnumerable<string> KindDirectories =>
        Directory.GetFiles(ArgoCd, "health.lua", SearchOption.AllDirectories).Select(Path.GetDirectoryName).OfType<string>().Order();

    [Fact]
    public async Task Every_fixture_gets_the_expected_status_and_message()
    {
        var expected = KindDirectories.Sum(d => Manifests.ParseOne(File.ReadAllText(Path.Combine(d, "health_test.yaml")))["tests"]!.AsArray().Count);

        var result = await Tool.RunAsync("lua5.4", [Runner], Cancel);

        Assert.True(result.ExitCode == 0, result.Describe());
        Assert.Contains($"health tests: {expected} passed, 0 failed", result.StandardOutput);
    }

    [Fact]
    public void Checks_exist_for_every_kind_in_Argo_CDs_layout()
    {
        var kinds = KindDirectories.Select(d => Path.GetRelativePath(ArgoCd, d).Replace('\\', '/')).ToList();

        Assert.Equal(["power.serverops.io/PowerProvider", "power.serverops.io/PowerSchedule", "power.serverops.io/ServerPower"], kinds);
    }

    [Fact]
    public void Every_fixture_is_valid_yaml_and_is_tested()
    {
        foreach (var dir in KindDirectories)
        {
            var tests = Manifests.ParseOne(File.ReadAllText(Path.Combine(dir, "health_test.yaml")))["tests"]!.AsArray();
            var referenced = tests.Select(t => (string?)t!["inputPath"] ?? "").Order().ToList();
            var fixtures = Directory.GetFiles(Path.Combine(dir, "testdata"), "*.yaml")
                .Select(f => "testdata/" + Path.GetFileName(f)).Order().ToList();

            Assert.Equal(fixtures, referenced);
            foreach (var fixture in fixtures)
            {
                var obj = Manifests.ParseOne(File.ReadAllText(Path.Combine(dir, fixture)));
                Assert.Equal(Path.GetFileName(dir), (string?)obj["kind"]);
            }
        }
    }

    [Fact]
    public void ServerPower_fixtures_cover_every_status_and_the_stopped_server_is_healthy()
    {
        var dir = Path.Combine(ArgoCd, "power.serverops.io", "ServerPower");
        var tests = Manifests.ParseOne(File.ReadAllText(Path.Combine(dir, "health_test.yaml")))["tests"]!.AsArray();

        var statuses = tests.Select(t => (string?)t!["healthStatus"]!["status"]).Distinct().Order().ToList();
        Assert.Equal(["Degraded", "Healthy", "Progressing", "Suspended"], statuses);
        var stopped = Assert.Single(tests, t => (string?)t!["inputPath"] == "testdata/healthy_stopped.yaml");
        Assert.Equal("Healthy", (string?)stopped!["healthStatus"]!["status"]);
        var offOutsideWindow = Assert.Single(tests, t => (string?)t!["inputPath"] == "testdata/healthy_scheduled_off_outside_window.yaml");
        Assert.Equal("Healthy", (string?)offOutsideWindow!["healthStatus"]!["status"]);
    }

    [Fact]
    public async Task The_runner_fails_when_a_check_disagrees_with_its_fixture()
    {
        var copy = Path.Combine(Path.GetTempPath(), $"serverpower-argocd-{Guid.NewGuid():N}");
        var kind = Path.Combine(copy, "power.serverops.io", "ServerPower");
        try
        {
            CopyDirectory(Path.Combine(ArgoCd, "power.serverops.io", "ServerPower"), kind);
            var tests = Path.Combine(kind, "health_test.yaml");
            File.WriteAllText(tests, File.ReadAllText(tests).Replace(
                "status: Healthy\n    message: \"InDesiredState: Server is Stopped as declared\"",
                "status: Suspended\n    message: \"InDesiredState: Server is Stopped as declared\""));

            var result = await Tool.RunAsync("lua5.4", [Runner, kind], Cancel);

            Assert.Equal(1, result.ExitCode);
            Assert.Contains("FAIL " + kind + "/testdata/healthy_stopped.yaml: want Suspended", result.StandardOutput);
        }
        finally
        {
            Directory.Delete(copy, recursive: true);
        }
    }

    [Fact]
    public async Task The_argocd_cm_patch_embeds_the_current_checks()
    {
        var generated = await Tool.RunCheckedAsync("lua5.4", [Path.Combine(ArgoCd, "test", "cm_patch.lua")], Cancel);
        var committed = File.ReadAllText(Path.Combine(ArgoCd, "argocd-cm-patch.yaml"));

        Assert.True(generated == committed,
            "config/argocd/argocd-cm-patch.yaml is stale: run `lua5.4 config/argocd/test/cm_patch.lua > config/argocd/argocd-cm-patch.yaml`.");
        var data = Manifests.ParseOne(committed)["data"]!.AsObject();
        foreach (var kind in new[] { "ServerPower", "PowerProvider", "PowerSchedule" })
        {
            var lua = File.ReadAllText(Path.Combine(ArgoCd, "power.serverops.io", kind, "health.lua"));
            Assert.Equal(lua, (string?)data[$"resource.customizations.health.power.serverops.io_{kind}"]);
        }
    }

    private static void CopyDirectory(string from, string to)
    {
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
