namespace ServerPower.Api.Tests.Support;

/// <summary>Finds files of the checkout the tests run from (the directory holding Operator.sln).</summary>
public static class RepositoryRoot
{
    public static string Path { get; } = Find();

    public static string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Operator.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException($"no Operator.sln above {AppContext.BaseDirectory}");
    }
}
