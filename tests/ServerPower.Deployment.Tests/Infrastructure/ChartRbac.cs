namespace ServerPower.Deployment.Tests.Infrastructure;

/// <summary>
/// The operator's RBAC as the chart renders it, through <c>.ci/render-rbac.sh</c> (the same script the end-to-end
/// suite can call to enforce these rules on the operator's identity in the emulator).
/// </summary>
public static class ChartRbac
{
    /// <summary>The Role and ClusterRole documents for <paramref name="helmArguments"/> (e.g. <c>--set watchNamespaces={a,b}</c>).</summary>
    public static async Task<string> RenderOperatorRulesYamlAsync(CancellationToken cancellationToken, params string[] helmArguments)
    {
        Tool.Require("helm");
        var file = Path.Combine(Path.GetTempPath(), $"serverpower-rbac-{Guid.NewGuid():N}.yaml");
        try
        {
            await Tool.RunCheckedAsync("bash", [Repository.PathOf(".ci", "render-rbac.sh"), file, .. helmArguments], cancellationToken);
            return await File.ReadAllTextAsync(file, cancellationToken);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
