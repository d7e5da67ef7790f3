using System.Diagnostics;

namespace ServerPower.EndToEnd.Tests.Infrastructure;

/// <summary>
/// <c>kubectl power ...</c> as a user runs it: the real kubectl, which finds the plugin executable
/// <c>kubectl-power</c> (built into this test's output directory by the project reference) on the PATH.
/// kubectl refuses global flags before a plugin's name, so the kubeconfig goes after the arguments, or in KUBECONFIG.
/// </summary>
public sealed class PowerPlugin(string kubeconfig)
{
    /// <summary>Where the built plugin is: put on the PATH of every kubectl this runs.</summary>
    public static string PluginDirectory => AppContext.BaseDirectory;

    public Task<Kubectl.Result> RunAsync(params string[] args) => RunAsync(args, viaEnvironment: false);

    /// <summary>With the kubeconfig in KUBECONFIG instead of <c>--kubeconfig</c>.</summary>
    public Task<Kubectl.Result> RunWithKubeconfigVariableAsync(params string[] args) => RunAsync(args, viaEnvironment: true);

    private async Task<Kubectl.Result> RunAsync(string[] args, bool viaEnvironment)
    {
        var start = new ProcessStartInfo(ServerPower.TestSupport.RequiredTools.Ensure("kubectl")) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        start.ArgumentList.Add("power");
        foreach (var arg in args) start.ArgumentList.Add(arg);
        if (viaEnvironment)
        {
            start.Environment["KUBECONFIG"] = kubeconfig;
        }
        else
        {
            start.ArgumentList.Add("--kubeconfig");
            start.ArgumentList.Add(kubeconfig);
        }
        start.Environment["PATH"] = PluginDirectory + Path.PathSeparator + Environment.GetEnvironmentVariable("PATH");
        using var process = Process.Start(start) ?? throw new InvalidOperationException("cannot start kubectl");
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
        return new Kubectl.Result(process.ExitCode, await output, await error);
    }
}
