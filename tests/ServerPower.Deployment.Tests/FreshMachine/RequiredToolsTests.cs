using ServerPower.TestSupport;

namespace ServerPower.Deployment.Tests.FreshMachine;

/// <summary>
/// A tool the tests need and the machine lacks is installed by the repository's own script, once, into
/// <c>.tools/bin</c>, which then leads the PATH of every process the tests start. Exercised here on a scratch
/// checkout with a stand-in installer, so it runs the same whether or not this machine already has the real tools.
/// </summary>
public sealed class RequiredToolsTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("fresh-checkout-").FullName;
    private readonly string tool = $"stand-in-{Guid.NewGuid():N}";

    public RequiredToolsTests() => Directory.CreateDirectory(Path.Combine(root, ".ci"));

    public void Dispose() => Directory.Delete(root, recursive: true);

    private void Installer(string body) => File.WriteAllText(Path.Combine(root, ".ci", "install.sh"), "set -eu\n" + body);

    private string Ensure() => RequiredTools.Ensure(tool, root, new Dictionary<string, string> { [tool] = "install.sh" });

    [Fact]
    public void A_missing_tool_is_installed_once_by_its_script_into_tools_bin_which_leads_the_PATH()
    {
        Installer($"""
            echo run >> .tools/runs
            mkdir -p .tools/bin
            printf '#!/bin/sh\necho ok\n' > .tools/bin/{tool}
            chmod +x .tools/bin/{tool}
            """);

        var path = Ensure();
        Assert.Equal(Path.Combine(root, ".tools", "bin", tool), path);
        Assert.Equal(path, Ensure());
        Assert.Single(File.ReadAllLines(Path.Combine(root, ".tools", "runs")));
        Assert.StartsWith(Path.Combine(root, ".tools", "bin") + Path.PathSeparator, Environment.GetEnvironmentVariable("PATH"), StringComparison.Ordinal);
    }

    [Fact]
    public void An_installer_that_fails_fails_the_test_with_what_it_said()
    {
        Installer("echo 'npm: registry unreachable' >&2\nexit 3\n");

        var error = Assert.Throws<InvalidOperationException>(Ensure);
        Assert.Contains("bash .ci/install.sh", error.Message);
        Assert.Contains("exit code 3", error.Message);
        Assert.Contains("npm: registry unreachable", error.Message);
    }

    [Fact]
    public void The_real_installers_exist_for_every_tool_the_tests_run()
    {
        foreach (var script in new[] { "install-kubectl.sh", "install-deploy-tools.sh" })
            Assert.True(File.Exists(Infrastructure.Repository.PathOf(".ci", script)), script);
    }
}
