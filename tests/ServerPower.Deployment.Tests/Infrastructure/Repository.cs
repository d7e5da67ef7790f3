namespace ServerPower.Deployment.Tests.Infrastructure;

/// <summary>Paths in the checkout the tests run from (found by <see cref="RepositoryRoot"/>), and the chart's.</summary>
public static class Repository
{
    public static string Root => RepositoryRoot.Path;

    public static string ChartDirectory => RepositoryRoot.Combine("charts", "serverpower-operator");

    public static string PathOf(params string[] parts) => RepositoryRoot.Combine(parts);

    public static string ReadText(params string[] parts) => RepositoryRoot.ReadText(parts);
}
