using System.Diagnostics;

namespace ServerPower.TestSupport;

/// <summary>
/// The command-line tools some tests run (kubectl, helm, lua5.4, promtool), provisioned the way <c>.ci/run</c> provisions them,
/// so that <c>dotnet test Operator.sln</c> passes on a machine with only the .NET SDK (and the Node.js and apt that
/// such a machine has): a tool found neither on the PATH nor in the repository's <c>.tools/bin</c> is installed by
/// <c>.ci/install-kubectl.sh</c> (kubectl) or <c>.ci/install-deploy-tools.sh</c> (helm, lua5.4, promtool), once, under a file
/// lock that the test processes <c>dotnet test</c> runs in parallel share. <c>.tools/bin</c> is put on this process's
/// PATH, so the processes the tests start find what was installed there.
/// </summary>
public static class RequiredTools
{
    private static readonly IReadOnlyDictionary<string, string> Installers = new Dictionary<string, string>
    {
        ["kubectl"] = "install-kubectl.sh",
        ["helm"] = "install-deploy-tools.sh",
        ["lua5.4"] = "install-deploy-tools.sh",
        ["promtool"] = "install-deploy-tools.sh",
    };

    private static readonly Lock Gate = new();

    /// <summary>How long a test process waits for another one's install to finish.</summary>
    private static readonly TimeSpan LockWait = TimeSpan.FromMinutes(10);

    /// <summary>The full path of the tool, installing it first when it is missing; throws with the installer's output when that fails.</summary>
    public static string Ensure(string name) => Ensure(name, RepositoryRoot.Path, Installers);

    /// <summary>The same for a given checkout and installers (script names under <c>.ci/</c>), for tests of this class.</summary>
    public static string Ensure(string name, string root, IReadOnlyDictionary<string, string> installers)
    {
        lock (Gate)
        {
            var bin = Path.Combine(root, ".tools", "bin");
            PutFirstOnPath(bin);
            if (Find(name) is { } found) return found;
            if (!installers.TryGetValue(name, out var script))
                throw new InvalidOperationException($"`{name}` is not on the PATH and no script in .ci/ installs it");
            Directory.CreateDirectory(Path.Combine(root, ".tools"));
            using (Acquire(Path.Combine(root, ".tools", "install.lock")))
            {
                if (Find(name) is { } installedMeanwhile) return installedMeanwhile;
                var (code, output) = Run(root, Path.Combine(root, ".ci", script));
                return Find(name) ?? throw new InvalidOperationException(
                    $"`{name}` is missing and `bash .ci/{script}` did not install it (exit code {code}): {output.Trim()}");
            }
        }
    }

    private static string? Find(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);

    private static void PutFirstOnPath(string directory)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        if (path.Split(Path.PathSeparator).Contains(directory)) return;
        Environment.SetEnvironmentVariable("PATH", directory + Path.PathSeparator + path);
    }

    private static (int Code, string Output) Run(string root, string script)
    {
        var start = new ProcessStartInfo("bash") { WorkingDirectory = root, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(script);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("cannot start bash");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return (process.ExitCode, output.Result + error.Result);
    }

    /// <summary>An exclusive lock on a file, shared with other processes; released when disposed.</summary>
    private static FileStream Acquire(string path)
    {
        var deadline = DateTime.UtcNow + LockWait;
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                // another test process is installing: wait for its lock to go
                Thread.Sleep(TimeSpan.FromMilliseconds(200));
            }
        }
    }
}
