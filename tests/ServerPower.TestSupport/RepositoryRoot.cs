namespace ServerPower.TestSupport;

/// <summary>The checkout the tests run from: the nearest directory above the test binaries holding Operator.sln.</summary>
public static class RepositoryRoot
{
    public static string Path { get; } = Search();

    /// <summary>The root's full path (the name the emulator and end-to-end tests call it by).</summary>
    public static string Find() => Path;

    public static string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    public static string ReadText(params string[] parts) => File.ReadAllText(Combine(parts));

    private static string Search()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Operator.sln"))) return dir.FullName;
        }
        throw new DirectoryNotFoundException($"no Operator.sln above {AppContext.BaseDirectory}");
    }
}
