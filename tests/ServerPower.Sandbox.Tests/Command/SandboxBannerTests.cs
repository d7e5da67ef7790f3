using ServerPower.Sandbox.Command;

namespace ServerPower.Sandbox.Tests.Command;

/// <summary>
/// The banner tells a newcomer how a later shell finds the sandbox's cluster: kubectl refuses
/// <c>kubectl --kubeconfig F power</c>, so <c>kubectl power</c> needs KUBECONFIG (or the flag after <c>power</c>).
/// </summary>
public sealed class SandboxBannerTests
{
    private static readonly Uri Api = new("http://127.0.0.1:6443/");

    private static string Banner(string kubeconfig, string workingDirectory) =>
        SandboxBanner.Text(Api, kubeconfig, workingDirectory, ["Wenium simulator: http://127.0.0.1:5001/"], 24, ["http://127.0.0.1:8080"]);

    [Fact]
    public void The_default_kubeconfig_is_exported_through_PWD_with_the_file_name_the_sandbox_writes()
    {
        var dir = Path.Combine(Path.GetTempPath(), "checkout");
        var text = Banner(Path.Combine(dir, "sandbox.kubeconfig"), dir);

        Assert.Contains("\n  export KUBECONFIG=$PWD/sandbox.kubeconfig\n", text, StringComparison.Ordinal);
        Assert.Contains("\n  kubectl power status -A\n", text, StringComparison.Ordinal);
        Assert.Contains("kubectl --kubeconfig sandbox.kubeconfig get serverpowers -A", text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_kubeconfig_in_a_subdirectory_keeps_its_relative_name()
    {
        var dir = Path.Combine(Path.GetTempPath(), "checkout");
        var text = Banner(Path.Combine(dir, "out", "my.kubeconfig"), dir);

        Assert.Contains("\n  export KUBECONFIG=$PWD/out/my.kubeconfig\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_kubeconfig_outside_the_working_directory_is_exported_by_its_full_path_quoted_when_the_shell_needs_it()
    {
        var dir = Path.Combine(Path.GetTempPath(), "checkout");
        var elsewhere = Path.Combine(Path.GetTempPath(), "other place", "k.kubeconfig");

        var text = Banner(elsewhere, dir);

        Assert.Contains($"\n  export KUBECONFIG=\"{elsewhere}\"\n", text, StringComparison.Ordinal);
        Assert.Contains($"kubectl --kubeconfig {elsewhere} get spw -A -o wide", text, StringComparison.Ordinal);
    }
}
