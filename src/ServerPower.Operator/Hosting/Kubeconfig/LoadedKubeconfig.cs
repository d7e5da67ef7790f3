using k8s.KubeConfigModels;

namespace ServerPower.Operator.Hosting.Kubeconfig;

/// <summary>
/// A kubeconfig read by <see cref="KubeconfigReader"/>: KubernetesClient's model, and what that model has no place
/// for: each user's <c>tokenFile</c> and each cluster's <c>proxy-url</c> (by user and cluster name).
/// </summary>
public sealed record LoadedKubeconfig(
    K8SConfiguration Configuration,
    IReadOnlyDictionary<string, string> TokenFiles,
    IReadOnlyDictionary<string, string> ProxyUrls)
{
    /// <summary>The current context's user, found as KubernetesClient finds it (the first whose name matches, ignoring case).</summary>
    public User? CurrentUser =>
        CurrentContext?.ContextDetails?.User is { } name ? Configuration.Users.FirstOrDefault(u => u.Name.Equals(name, StringComparison.OrdinalIgnoreCase)) : null;

    /// <summary>The <c>tokenFile</c> of the current context's user (an absolute path), if it has one.</summary>
    public string? CurrentTokenFile => CurrentUser is { } user ? TokenFiles.GetValueOrDefault(user.Name) : null;

    /// <summary>The <c>proxy-url</c> of the current context's cluster, if it has one.</summary>
    public string? CurrentProxyUrl =>
        CurrentContext?.ContextDetails?.Cluster is { } name
        && Configuration.Clusters.FirstOrDefault(c => c.Name.Equals(name, StringComparison.OrdinalIgnoreCase)) is { } cluster
            ? ProxyUrls.GetValueOrDefault(cluster.Name)
            : null;

    private Context? CurrentContext =>
        Configuration.CurrentContext is { } name ? Configuration.Contexts.FirstOrDefault(c => c.Name.Equals(name, StringComparison.OrdinalIgnoreCase)) : null;

    /// <summary>
    /// Several files (KUBECONFIG=a:b) as one, as kubectl merges them: the first current-context set wins, and of
    /// clusters, users and contexts of one name the first file's.
    /// </summary>
    public static LoadedKubeconfig Merge(IReadOnlyList<LoadedKubeconfig> files)
    {
        var first = files[0].Configuration;
        var tokenFiles = new Dictionary<string, string>(StringComparer.Ordinal);
        var proxyUrls = new Dictionary<string, string>(StringComparer.Ordinal);
        var merged = new K8SConfiguration
        {
            ApiVersion = first.ApiVersion,
            Kind = first.Kind,
            FileName = first.FileName,
            CurrentContext = files.Select(f => f.Configuration.CurrentContext).FirstOrDefault(c => !string.IsNullOrEmpty(c)),
            Clusters = FirstByName(files, f => f.Configuration.Clusters, c => c.Name, f => f.ProxyUrls, proxyUrls),
            Users = FirstByName(files, f => f.Configuration.Users, u => u.Name, f => f.TokenFiles, tokenFiles),
            Contexts = FirstByName(files, f => f.Configuration.Contexts, c => c.Name, _ => new Dictionary<string, string>(), []),
        };
        return new LoadedKubeconfig(merged, tokenFiles, proxyUrls);
    }

    /// <summary>The first item of each name, and its entry of a per-name side table (tokenFile, proxy-url).</summary>
    private static List<T> FirstByName<T>(
        IReadOnlyList<LoadedKubeconfig> files, Func<LoadedKubeconfig, IEnumerable<T>> items, Func<T, string> name,
        Func<LoadedKubeconfig, IReadOnlyDictionary<string, string>> side, Dictionary<string, string> mergedSide)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<T>();
        foreach (var file in files)
        {
            foreach (var item in items(file))
            {
                if (!seen.Add(name(item))) continue;
                result.Add(item);
                if (side(file).TryGetValue(name(item), out var value)) mergedSide[name(item)] = value;
            }
        }
        return result;
    }
}
