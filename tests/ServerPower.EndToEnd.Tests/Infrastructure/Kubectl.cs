using System.Diagnostics;

namespace ServerPower.EndToEnd.Tests.Infrastructure;

/// <summary>The real kubectl on the PATH (installed into .tools/bin when missing), pointed at one kubeconfig.</summary>
public sealed class Kubectl(string kubeconfig)
{
    public sealed record Result(int ExitCode, string Output, string Error)
    {
        public Result EnsureSuccess() =>
            ExitCode == 0 ? this : throw new InvalidOperationException($"kubectl failed ({ExitCode}): {Error}{Output}");
    }

    public async Task<Result> TryRunAsync(params string[] args)
    {
        var start = new ProcessStartInfo(ServerPower.TestSupport.RequiredTools.Ensure("kubectl"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        start.ArgumentList.Add("--kubeconfig");
        start.ArgumentList.Add(kubeconfig);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("cannot start kubectl");
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return new Result(process.ExitCode, await output, await error);
    }

    public async Task<string> RunAsync(params string[] args) => (await TryRunAsync(args)).EnsureSuccess().Output;

    /// <summary>kubectl apply -f - with the given manifest text.</summary>
    public async Task<string> ApplyAsync(string manifest)
    {
        var file = Path.GetTempFileName() + ".yaml";
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
}
