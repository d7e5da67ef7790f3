using System.Net;
using k8s;
using k8s.KubeConfigModels;

namespace ServerPower.Api.Connection;

/// <summary>
/// The one kubeconfig loader of the operator and the kubectl plugin, with client-go's rules where KubernetesClient's
/// differ: files are read by KubernetesClient (<see cref="KubeconfigFile"/>), files that do not exist are skipped,
/// several are merged as kubectl merges them (the first current-context set wins, and of clusters, users and contexts
/// of one name the first file's), names match exactly (KubernetesClient ignores case), a user's <c>tokenFile</c> is
/// read and re-read on rotation (<see cref="TokenFileCredentials"/>; it wins over <c>token</c>), and a cluster's
/// <c>proxy-url</c> (http, https or socks5) is used. Every failure is a <see cref="KubeconfigException"/> or an error
/// of KubernetesClient's loader; the callers print either as one line.
/// </summary>
public static class KubeconfigLoader
{
    /// <summary>The client configuration of <paramref name="context"/>, or of the current context.</summary>
    public static KubernetesClientConfiguration Load(IReadOnlyList<string> paths, string? context = null)
    {
        var existing = paths.Where(File.Exists).Distinct().ToList();
        if (existing.Count == 0)
        {
            throw new KubeconfigException(paths.Count == 1
                ? $"kubeconfig file not found at {Path.GetFullPath(paths[0])}"
                : $"none of the kubeconfig files exists: {string.Join(", ", paths)}");
        }
        var files = existing.Select(KubeconfigFile.Read).ToList();
        var contextName = context ?? files.Select(f => f.Configuration.CurrentContext).FirstOrDefault(c => !string.IsNullOrEmpty(c))
            ?? throw new KubeconfigException("the kubeconfig has no current context");
        var (chosen, _) = First(files, f => f.Configuration.Contexts, c => c.Name, contextName)
            ?? throw new KubeconfigException($"context '{contextName}' is not in the kubeconfig");
        var clusterName = chosen.ContextDetails?.Cluster;
        if (string.IsNullOrEmpty(clusterName)) throw new KubeconfigException($"context '{contextName}' names no cluster");
        var (cluster, clusterFile) = First(files, f => f.Configuration.Clusters, c => c.Name, clusterName)
            ?? throw new KubeconfigException($"cluster '{clusterName}' of context '{contextName}' is not in the kubeconfig");
        var userName = chosen.ContextDetails!.User;
        List<User> users = [];
        TokenFileCredentials? tokenFile = null;
        if (!string.IsNullOrEmpty(userName))
        {
            var (user, userFile) = First(files, f => f.Configuration.Users, u => u.Name, userName)
                ?? throw new KubeconfigException($"user '{userName}' of context '{contextName}' is not in the kubeconfig");
            if (userFile.TokenFiles.TryGetValue(userName, out var tokenPath))
            {
                tokenFile = new TokenFileCredentials(tokenPath);
                // The token read now satisfies KubernetesClient's check that the user has credentials; the provider
                // then serves every request.
                (user.UserCredentials ??= new UserCredentials()).Token = ReadToken(tokenFile, userName);
            }
            users.Add(user);
        }
        // Only the chosen three go to KubernetesClient, so its case-insensitive lookups cannot pick another entry.
        var single = new K8SConfiguration { CurrentContext = contextName, Contexts = [chosen], Clusters = [cluster], Users = users };
        var config = KubernetesClientConfiguration.BuildConfigFromConfigObject(single);
        if (tokenFile is not null) config.TokenProvider = tokenFile;
        if (clusterFile.ProxyUrls.TryGetValue(clusterName, out var proxy)) UseProxy(config, Proxy(proxy, clusterName));
        return config;
    }

    /// <summary>Routes every connection of <paramref name="config"/> through <paramref name="proxy"/>.</summary>
    public static void UseProxy(KubernetesClientConfiguration config, Uri proxy)
    {
        var previous = config.FirstMessageHandlerSetup;
        config.FirstMessageHandlerSetup = handler =>
        {
            previous?.Invoke(handler);
            handler.Proxy = new WebProxy(proxy);
            handler.UseProxy = true;
        };
    }

    private static Uri Proxy(string text, string cluster) =>
        Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" or "socks5"
            ? uri
            : throw new KubeconfigException($"proxy-url of cluster '{cluster}' must be an http, https or socks5 URL");

    private static string ReadToken(TokenFileCredentials tokenFile, string user)
    {
        try
        {
            return tokenFile.Token();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new KubeconfigException($"the token file '{tokenFile.Path}' of user '{user}' is missing or empty");
        }
    }

    /// <summary>The first entry of exactly this name, in file order, and the file that defines it.</summary>
    private static (T Item, KubeconfigFile File)? First<T>(
        IEnumerable<KubeconfigFile> files, Func<KubeconfigFile, IEnumerable<T>?> items, Func<T, string?> name, string wanted)
        where T : class
    {
        foreach (var file in files)
        {
            if (items(file)?.FirstOrDefault(i => string.Equals(name(i), wanted, StringComparison.Ordinal)) is { } item) return (item, file);
        }
        return null;
    }
}
