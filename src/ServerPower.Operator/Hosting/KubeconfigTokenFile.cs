using k8s.KubeConfigModels;
using YamlDotNet.RepresentationModel;

namespace ServerPower.Operator.Hosting;

/// <summary>
/// The <c>user.tokenFile</c> of a kubeconfig's current context (resolved against the kubeconfig's directory, as
/// client-go does), which KubernetesClient's model does not read.
/// </summary>
public static class KubeconfigTokenFile
{
    public static string? Find(string kubeconfigPath, K8SConfiguration kubeconfig)
    {
        var context = kubeconfig.Contexts?.FirstOrDefault(c => c.Name == kubeconfig.CurrentContext);
        var userName = context?.ContextDetails?.User;
        if (userName is null) return null;
        var yaml = new YamlStream();
        using (var reader = new StreamReader(kubeconfigPath)) yaml.Load(reader);
        if (yaml.Documents.Count == 0 || yaml.Documents[0].RootNode is not YamlMappingNode root) return null;
        if (!root.Children.TryGetValue(new YamlScalarNode("users"), out var users) || users is not YamlSequenceNode list) return null;
        foreach (var entry in list.OfType<YamlMappingNode>())
        {
            if (Scalar(entry, "name") != userName) continue;
            if (!entry.Children.TryGetValue(new YamlScalarNode("user"), out var user) || user is not YamlMappingNode details) return null;
            var tokenFile = Scalar(details, "tokenFile");
            if (string.IsNullOrWhiteSpace(tokenFile)) return null;
            var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(kubeconfigPath))!;
            return System.IO.Path.GetFullPath(tokenFile, directory);
        }
        return null;
    }

    private static string? Scalar(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) && value is YamlScalarNode scalar ? scalar.Value : null;
}
