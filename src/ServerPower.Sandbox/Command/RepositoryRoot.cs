namespace ServerPower.Sandbox.Command;

/// <summary>The checkout the sandbox runs from: the nearest directory, upwards, holding crds/ and Operator.sln.</summary>
public static class RepositoryRoot
{
    public static string Find()
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (Directory.Exists(Path.Combine(dir.FullName, "crds")) && File.Exists(Path.Combine(dir.FullName, "Operator.sln")))
                    return dir.FullName;
            }
        }
        throw new DirectoryNotFoundException("run the sandbox from the repository checkout (no crds/ and Operator.sln found above here)");
    }
}
