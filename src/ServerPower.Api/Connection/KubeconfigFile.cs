using k8s;
using k8s.KubeConfigModels;
using YamlDotNet.RepresentationModel;

namespace ServerPower.Api.Connection;

/// <summary>
/// One kubeconfig file, read by KubernetesClient's own loader (YamlDotNet), with its relative paths made absolute
/// against the file's directory (client-go resolves them per file, KubernetesClient only against the first file of a
/// merge), and the two fields KubernetesClient's model has no place for: each user's <c>tokenFile</c> and each
/// cluster's <c>proxy-url</c> (by name), picked out of the same YAML by YamlDotNet.
/// </summary>
public sealed record KubeconfigFile(
    string Path,
    K8SConfiguration Configuration,
    IReadOnlyDictionary<string, string> TokenFiles,
    IReadOnlyDictionary<string, string> ProxyUrls)
{
    public static KubeconfigFile Read(string path)
    {
        var full = System.IO.Path.GetFullPath(path);
        var configuration = KubernetesClientConfiguration.LoadKubeConfig(new FileInfo(full), useRelativePaths: false)
            ?? throw new KubeconfigException($"kubeconfig {full} is empty");
        var directory = System.IO.Path.GetDirectoryName(full)!;
        string? Absolute(string? p) => string.IsNullOrEmpty(p) ? p : System.IO.Path.GetFullPath(p, directory);
        foreach (var endpoint in (configuration.Clusters ?? []).Select(c => c.ClusterEndpoint).OfType<ClusterEndpoint>())
            endpoint.CertificateAuthority = Absolute(endpoint.CertificateAuthority);
        foreach (var credentials in (configuration.Users ?? []).Select(u => u.UserCredentials).OfType<UserCredentials>())
        {
            credentials.ClientCertificate = Absolute(credentials.ClientCertificate);
            credentials.ClientKey = Absolute(credentials.ClientKey);
            // A command with a slash in it is a path, relative to the kubeconfig's directory; else it is looked up on PATH.
            if (credentials.ExternalExecution is { Command: { } command } exec && command.Contains('/'))
                exec.Command = Absolute(command);
        }
        var root = Root(full);
        return new KubeconfigFile(full, configuration,
            Field(root, "users", "user", "tokenFile").ToDictionary(e => e.Key, e => Absolute(e.Value)!, StringComparer.Ordinal),
            Field(root, "clusters", "cluster", "proxy-url"));
    }

    private static YamlMappingNode? Root(string path)
    {
        var yaml = new YamlStream();
        using (var reader = new StreamReader(path)) yaml.Load(reader);
        return yaml.Documents.Count > 0 ? yaml.Documents[0].RootNode as YamlMappingNode : null;
    }

    /// <summary>The non-empty <paramref name="field"/> of each named entry's <paramref name="item"/> in the list <paramref name="list"/>, by name; the first of a name wins.</summary>
    private static Dictionary<string, string> Field(YamlMappingNode? root, string list, string item, string field)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (root is null || Child(root, list) is not YamlSequenceNode entries) return result;
        foreach (var entry in entries.OfType<YamlMappingNode>())
        {
            if (Child(entry, "name") is YamlScalarNode { Value: { } name }
                && Child(entry, item) is YamlMappingNode details
                && Child(details, field) is YamlScalarNode { Value: { Length: > 0 } value })
                result.TryAdd(name, value);
        }
        return result;
    }

    private static YamlNode? Child(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;
}
