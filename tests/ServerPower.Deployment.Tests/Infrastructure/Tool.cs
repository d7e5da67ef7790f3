using System.Diagnostics;

namespace ServerPower.Deployment.Tests.Infrastructure;

/// <summary>What a command printed and how it ended.</summary>
public sealed record ToolResult(string Command, int ExitCode, string StandardOutput, string StandardError)
{
    public string Describe() => $"`{Command}` exited {ExitCode}\nstdout:\n{StandardOutput}\nstderr:\n{StandardError}";
}

/// <summary>
/// Runs the real command-line tools (helm, kubectl, lua5.4, bash). A missing tool is installed the way CI installs
/// it (<see cref="ServerPower.TestSupport.RequiredTools"/>); if that fails the test fails with the installer's output,
/// never a skip, which would hide a broken pipeline.
/// </summary>
public static class Tool
{
    /// <summary>The tool's full path: PATH first, then the repository's .tools/bin, else installed there now.</summary>
    public static string Require(string name) => ServerPower.TestSupport.RequiredTools.Ensure(name);

    public static async Task<ToolResult> RunAsync(string name, IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var path = Require(name);
        var start = new ProcessStartInfo(path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Repository.Root,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        // Scripts find helm in .tools/bin too; helm keeps its caches out of the user's home.
        start.Environment["PATH"] = Repository.PathOf(".tools", "bin") + Path.PathSeparator + Environment.GetEnvironmentVariable("PATH");
        start.Environment["HELM_CACHE_HOME"] = Path.Combine(Path.GetTempPath(), "serverpower-helm", "cache");
        start.Environment["HELM_CONFIG_HOME"] = Path.Combine(Path.GetTempPath(), "serverpower-helm", "config");
        start.Environment["HELM_DATA_HOME"] = Path.Combine(Path.GetTempPath(), "serverpower-helm", "data");

        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start " + path);
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        var command = string.Join(' ', [name, .. start.ArgumentList]);
        return new ToolResult(command, process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Runs the tool and fails the test, with everything it printed, unless it exits 0.</summary>
    public static async Task<string> RunCheckedAsync(string name, IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var result = await RunAsync(name, arguments, cancellationToken);
        Assert.True(result.ExitCode == 0, result.Describe());
        return result.StandardOutput;
    }
}
