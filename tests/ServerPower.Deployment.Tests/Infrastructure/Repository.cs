namespace ServerPower.Deployment.Tests.Infrastructure;

/// <summary>Paths in the checkout the tests run from.</summary>
public static class Repository
{
    /// <summary>The nearest directory above the test binaries holding Operator.sln.</summary>
    public static string Root { get; } = FindRoot();

    public static string ChartDirectory => Path.Combine(Root, "charts", "serverpower-operator");

    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    public static string ReadText(params string[] parts) => File.ReadAllText(PathOf(parts));

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Operator.sln")))
            {
                return dir.FullName;
            }
        }
        throw new DirectoryNotFoundException("Operator.sln not found above " + AppContext.BaseDirectory);
    }
}
