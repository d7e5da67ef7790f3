using System.Diagnostics;

namespace ServerPower.TestSupport;

/// <summary>
/// The real kubectl from the PATH, pointed at one kubeconfig, optionally with a private discovery cache. Each call
/// has a two-minute deadline (and the test's cancellation), after which kubectl is killed.
/// </summary>
public sealed class Kubectl(string kubeconfig, string? cacheDir = null)
{
    /// <summary>How kubectl ended and what it printed (<c>StdOut</c>/<c>Output</c> and <c>StdErr</c>/<c>Error</c> are the same text).</summary>
    public sealed record Result(int ExitCode, string StdOut, string StdErr)
    {
        public string Output => StdOut;

        public string Error => StdErr;

        /// <summary>This result, or an exception with what kubectl printed when it did not exit 0.</summary>
        public Result EnsureSuccess() =>
            ExitCode == 0 ? this : throw new InvalidOperationException($"kubectl failed ({ExitCode}): {StdErr}{StdOut}");

        public override string ToString() => $"exit {ExitCode}\nstdout:\n{StdOut}\nstderr:\n{StdErr}";
    }

    public static bool Available { get; } = (Environment.GetEnvironmentVariable("PATH") ?? "")
        .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
        .Any(dir => File.Exists(Path.Combine(dir, "kubectl")));

    /// <summary>Runs kubectl with these arguments and <paramref name="stdin"/> as its input (none when null).</summary>
    public async Task<Result> RunArgsAsync(string[] arguments, string? stdin = null)
    {
        var cancellation = TestContext.Current.CancellationToken;
        var start = new ProcessStartInfo(RequiredTools.Ensure("kubectl"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        string[] connection = cacheDir is null ? ["--kubeconfig", kubeconfig] : ["--kubeconfig", kubeconfig, "--cache-dir", cacheDir];
        foreach (var argument in (string[])[.. connection, .. arguments]) start.ArgumentList.Add(argument);

        using var process = Process.Start(start) ?? throw new InvalidOperationException("cannot start kubectl");
        if (stdin is not null) await process.StandardInput.WriteAsync(stdin);
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync(cancellation);
        var stderr = process.StandardError.ReadToEndAsync(cancellation);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        deadline.CancelAfter(TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        return new Result(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Runs kubectl; the caller looks at the exit code.</summary>
    public Task<Result> TryRunAsync(params string[] arguments) => RunArgsAsync(arguments);

    /// <summary>Runs kubectl with <paramref name="arguments"/> split on spaces (no quoting: pass JSON through <see cref="RunArgsAsync"/>).</summary>
    public Task<Result> TryAsync(string arguments, string? stdin = null) => RunArgsAsync(Split(arguments), stdin);

    /// <summary>Runs kubectl and returns its output; throws with what it printed unless it exits 0.</summary>
    public async Task<string> RunAsync(params string[] arguments) => (await RunArgsAsync(arguments)).EnsureSuccess().Output;

    /// <summary>Like <see cref="TryAsync"/>, and fails the test unless kubectl exits 0.</summary>
    public Task<Result> MustAsync(string arguments, string? stdin = null) => MustArgsAsync(Split(arguments), stdin);

    public async Task<Result> MustArgsAsync(string[] arguments, string? stdin = null)
    {
        var result = await RunArgsAsync(arguments, stdin);
        Assert.True(result.ExitCode == 0, $"kubectl {string.Join(' ', arguments)} failed: {result}");
        return result;
    }

    /// <summary><c>kubectl apply -f</c> with the given manifest text.</summary>
    public async Task<string> ApplyAsync(string manifest)
    {
        var file = Path.Combine(Path.GetTempPath(), $"serverpower-kubectl-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(file, manifest);
        try
        {
            return await RunAsync("apply", "-f", file);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static string[] Split(string arguments) => arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries);
}
