using System.Diagnostics;
using CsCheck;
using ServerPower.Api.Serialization;
using ServerPower.KubectlPower.Cli;
using ServerPower.KubectlPower.Commands;

namespace ServerPower.KubectlPower.Tests;

/// <summary>
/// Issue 20: <c>kubectl power hold NAME Stopped --for 99999999h</c> crashed (unhandled ArgumentOutOfRangeException,
/// exit 134). Every value a user can pass is checked into one <c>error:</c> line and exit code 2; nothing else escapes.
/// </summary>
public sealed class ExtremeArgumentTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 10, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("hold", "web", "Stopped", "--for", "99999999h")]
    [InlineData("hold", "web", "Running", "--for=2562048h")]
    [InlineData("restart", "web", "--wait", "--timeout", "99999999h")]
    public async Task A_duration_too_long_is_one_error_line_and_exit_code_2_before_anything_is_sent(params string[] args)
    {
        using var kubeconfig = new UnreachableKubeconfig();
        var (code, output, errors) = await PluginRunnerTests.RunAsync([.. args, "--kubeconfig", kubeconfig.Path]);

        Assert.Equal(2, code);
        Assert.Empty(output);
        var line = Assert.Single(errors.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Matches("^error: --(for|timeout) must be a duration like 90s, 10m or 1h30m, at most 8760h, not '[0-9h]+'$", line);
    }

    /// <summary>The built executable, as kubectl runs it: the crash was an exit code of 134.</summary>
    [Fact]
    public async Task The_built_plugin_exits_2_with_one_error_line_for_a_hold_too_long()
    {
        using var kubeconfig = new UnreachableKubeconfig();
        var start = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, OperatingSystem.IsWindows() ? "kubectl-power.exe" : "kubectl-power"))
        {
            RedirectStandardOutput = true, RedirectStandardError = true,
        };
        foreach (var arg in new[] { "hold", "web", "Stopped", "--for", "99999999h", "--kubeconfig", kubeconfig.Path }) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var errors = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);

        Assert.Equal(2, process.ExitCode);
        Assert.Equal("", await output);
        Assert.Equal("error: --for must be a duration like 90s, 10m or 1h30m, at most 8760h, not '99999999h'", (await errors).TrimEnd());
    }

    private static readonly Gen<string> Argument = Gen.Frequency(
        (4, Gen.OneOf("restart", "rebuild", "start", "stop", "hold", "release", "status", "web", "db.1", "Running", "Stopped",
            "--for", "--timeout", "--wait", "--wait=false", "-n", "--namespace=prod", "-A", "-l", "tier=web", "--context", "c", "-h", "--",
            "99999999h", "8760h", "2h", "0s", "--for=99999999h", "--timeout=1ms")),
        (2, ExtremeText.Value));

    /// <summary>Any argument list is an invocation whose values are all within bounds, or a one-line UsageException.</summary>
    [Fact]
    public void Any_command_line_parses_into_checked_values_or_one_usage_line()
    {
        Argument.Array[0, 8].Sample(args =>
        {
            Invocation invocation;
            try
            {
                invocation = ArgumentParser.Parse(args);
            }
            catch (UsageException e)
            {
                Assert.DoesNotContain(e.Message, c => c is '\n' or '\r' or '\u2028' or '\u2029' || char.IsControl(c));
                return;
            }
            Assert.InRange(invocation.Timeout, TimeSpan.Zero, GoDuration.Max);
            if (invocation.For is { } hold) Assert.InRange(hold, TimeSpan.Zero, GoDuration.Max);
            if (invocation is { Command: "hold", Help: false, HoldState: { } state, For: { } duration })
            {
                Assert.True(duration > TimeSpan.Zero);
                Assert.StartsWith($"{state} until ", HoldCommand.Value(state, Now, duration), StringComparison.Ordinal);
            }
            Assert.All(invocation.Names, name => Assert.Matches("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$", name));
        }, iter: 20_000, print: args => string.Join(" ", args.Select(a => $"'{a}'")));
    }

    /// <summary>
    /// The whole plugin over generated command lines, with an API server that refuses every connection on loopback:
    /// exit code 0, 1 or 2, nothing thrown, and every error an <c>error:</c> line (a usage error exactly one).
    /// </summary>
    [Fact]
    public async Task The_plugin_never_throws_and_every_error_is_an_error_line()
    {
        using var kubeconfig = new UnreachableKubeconfig();
        await Argument.Array[0, 6].SampleAsync(async args =>
        {
            // First, so that any --kubeconfig generated later (never an existing file) or a '--' cannot point elsewhere.
            var (code, _, errors) = await PluginRunnerTests.RunAsync(["--kubeconfig", kubeconfig.Path, .. args]);

            Assert.Contains(code, new[] { 0, 1, 2 });
            var lines = errors.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.All(lines, line => Assert.StartsWith("error: ", line, StringComparison.Ordinal));
            if (code == 2) Assert.Single(lines);
        }, iter: 300, print: args => string.Join(" ", args.Select(a => $"'{a}'")));
    }
}
