using System.Diagnostics;

namespace ServerPower.Sandbox.Tests.Kubernetes;

/// <summary>Runs the real kubectl binary against a kubeconfig, with a private discovery cache.</summary>
public sealed class Kubectl(string kubeconfig, string cacheDir)
{
    public sealed record Result(int ExitCode, string StdOut, string StdErr)
    {
        public override string ToString() => $"exit {ExitCode}\nstdout:\n{StdOut}\nstderr:\n{StdErr}";
    }

    public static bool Available { get; } = Which("kubectl");

    /// <summary>Runs kubectl; <paramref name="arguments"/> is split on spaces (no quoting: pass JSON with <see cref="RunArgsAsync"/>).</summary>
    public Task<Result> RunAsync(string arguments, string? stdin = null) =>
        RunArgsAsync(arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries), stdin);

    public async Task<Result> RunArgsAsync(string[] arguments, string? stdin = null)
    {
        var ct = TestContext.Current.CancellationToken;
        var psi = new ProcessStartInfo("kubectl", ["--kubeconfig", kubeconfig, "--cache-dir", cacheDir, .. arguments])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = stdin is not null,
            UseShellExecute = false,
        };
        using var process = Process.Start(psi)!;
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
            process.StandardInput.Close();
        }
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(TimeSpan.FromSeconds(90));
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

    public async Task<Result> MustAsync(string arguments, string? stdin = null) =>
        await MustArgsAsync(arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries), stdin);

    public async Task<Result> MustArgsAsync(string[] arguments, string? stdin = null)
    {
        var result = await RunArgsAsync(arguments, stdin);
        Assert.True(result.ExitCode == 0, $"kubectl {string.Join(' ', arguments)} failed: {result}");
        return result;
    }

    private static bool Which(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':')
        .Any(dir => File.Exists(Path.Combine(dir, name)));
}
