using System.Diagnostics;
using ServerPower.EndToEnd.Tests.Infrastructure;
using ServerPower.TestSupport;

namespace ServerPower.EndToEnd.Tests;

/// <summary>
/// The install of the plugin (src/ServerPower.Kubectl/README.md): <c>dotnet pack</c> of src/ServerPower.Kubectl and <c>dotnet tool install</c>
/// from that folder, then kubectl finds the installed <c>kubectl-power</c> on the PATH. The pack reuses the build this
/// test runs from (no second build); the install goes to a tool path of its own, not the user's global tools.
/// </summary>
public sealed class PluginToolPackageTests
{
    [Fact]
    public async Task The_plugin_packs_as_a_dotnet_tool_that_kubectl_runs_once_installed()
    {
        var root = Sandbox.Command.RepositoryRoot.Find();
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name; // bin/<configuration>/net10.0/
        var dir = Directory.CreateTempSubdirectory("plugin-tool-").FullName;
        try
        {
            var (feed, tools) = (Path.Combine(dir, "nupkg"), Path.Combine(dir, "tools"));
            await RunAsync("dotnet", ["pack", Path.Combine(root, "src", "ServerPower.Kubectl"), "--no-build", "-c", configuration, "-o", feed, "--nologo"], dir);
            var package = Assert.Single(Directory.GetFiles(feed, "ServerPower.Kubectl.*.nupkg"));
            using (var zip = System.IO.Compression.ZipFile.OpenRead(package))
            {
                // The package page shows the plugin's README.md (PackageReadmeFile).
                Assert.Contains(zip.Entries, e => e.FullName == "README.md");
                var nuspec = zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal));
                using var reader = new StreamReader(nuspec.Open());
                Assert.Contains("<readme>README.md</readme>", await reader.ReadToEndAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
            }
            await RunAsync("dotnet", ["tool", "install", "--tool-path", tools, "--add-source", feed, "ServerPower.Kubectl"], dir);
            Assert.True(File.Exists(Path.Combine(tools, "kubectl-power")), "the tool's command is kubectl-power");

            var help = await RunAsync(RequiredTools.Ensure("kubectl"), ["power", "status", "--help"], dir, pathFirst: tools);
            Assert.Contains("Usage: kubectl power status", help);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void The_folder_the_pack_command_writes_is_ignored_by_git()
    {
        var ignored = File.ReadAllLines(Path.Combine(Sandbox.Command.RepositoryRoot.Find(), ".gitignore"));
        Assert.Contains("nupkg/", ignored);
    }

    private static async Task<string> RunAsync(string file, string[] args, string workingDirectory, string? pathFirst = null)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = workingDirectory };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        // Only the installed tool may answer `kubectl power`: the test's own output directory is not on this PATH.
        var path = string.Join(Path.PathSeparator, (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Where(p => Path.TrimEndingDirectorySeparator(p) != Path.TrimEndingDirectorySeparator(PowerPlugin.PluginDirectory)));
        start.Environment["PATH"] = pathFirst is null ? path : pathFirst + Path.PathSeparator + path;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(5));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
        Assert.True(process.ExitCode == 0, $"{file} {string.Join(' ', args)} exited {process.ExitCode}: {await error}{await output}");
        return await output;
    }
}
