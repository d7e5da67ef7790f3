using ServerPower.KubectlPower.Cli;
using ServerPower.KubectlPower.Commands;

namespace ServerPower.KubectlPower.Tests;

public sealed class PluginRunnerTests
{
    public static async Task<(int Code, string Output, string Errors)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var errors = new StringWriter();
        var code = await PluginRunner.RunAsync(args, output, errors, TestContext.Current.CancellationToken);
        return (code, output.ToString(), errors.ToString());
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("restart", "--help")]
    [InlineData("rebuild", "-h")]
    [InlineData("wake", "--help")]
    [InlineData("start", "--help")]
    [InlineData("stop", "--help")]
    [InlineData("hold", "--help")]
    [InlineData("release", "--help")]
    [InlineData("status", "--help")]
    public async Task Help_for_every_command_prints_its_usage_and_exits_0(params string[] args)
    {
        var (code, output, errors) = await RunAsync(args);
        Assert.Equal(0, code);
        Assert.Empty(errors);
        Assert.Contains(args[0] == "--help" ? "kubectl power restart NAME" : $"Usage: kubectl power {args[0]}", output);
        Assert.Contains("--kubeconfig PATH", output);
    }

    [Fact]
    public async Task A_usage_error_is_one_line_and_exit_code_2()
    {
        var (code, output, errors) = await RunAsync("hold", "web", "Running");
        Assert.Equal(2, code);
        Assert.Empty(output);
        Assert.Equal("error: hold needs --for DURATION (e.g. --for 2h)\n", errors.ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task A_missing_kubeconfig_is_one_line_and_exit_code_1()
    {
        var (code, _, errors) = await RunAsync("status", "--kubeconfig", "/nonexistent/kubeconfig");
        Assert.Equal(1, code);
        Assert.Equal("error: --kubeconfig file '/nonexistent/kubeconfig' does not exist\n", errors.ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task An_unreachable_API_server_is_one_line_and_exit_code_1()
    {
        using var kubeconfig = new UnreachableKubeconfig();
        var (code, _, errors) = await RunAsync("status", "--kubeconfig", kubeconfig.Path);
        Assert.Equal(1, code);
        var line = Assert.Single(errors.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: cannot reach the Kubernetes API at http://127.0.0.1:1", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Usage_names_every_command()
    {
        foreach (var command in ArgumentParser.Commands) Assert.Contains($"kubectl power {command}", Usage.Overview);
    }
}
