using k8s;
using k8s.KubeConfigModels;
using ServerPower.KubectlPower.Cli;
using YamlDotNet.RepresentationModel;

namespace ServerPower.KubectlPower.Kube;

/// <summary>The client configuration and namespace, found as kubectl finds them.</summary>
public sealed record KubeTarget(KubernetesClientConfiguration Configuration, string Namespace);

/// <summary>
/// Loads the kubeconfig as kubectl does: <c>--kubeconfig</c>, else the files in KUBECONFIG (merged, missing ones
/// skipped), else <c>~/.kube/config</c>, else the in-cluster service account. <c>--context</c> picks a context; the
/// namespace is <c>-n</c>, else the context's, else <c>default</c>. A user's <c>tokenFile</c>, which KubernetesClient
/// ignores, is read here (a one-shot command needs no re-read on rotation). Every failure is one line.
/// </summary>
public static class KubeconfigLoader
{
    public const string NoConfiguration =
        "no kubeconfig found: pass --kubeconfig PATH after power (kubectl power status --kubeconfig PATH; kubectl itself refuses it before power), set KUBECONFIG, or create ~/.kube/config";

    /// <summary>A request that has no answer after this long fails (KubernetesClient's default is 100 s).</summary>
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);

    public static KubeTarget Load(Invocation invocation, string? kubeconfigVariable, string home)
    {
        var files = Files(invocation.Kubeconfig, kubeconfigVariable, home);
        KubernetesClientConfiguration configuration;
        try
        {
            if (files.Count == 0)
            {
                if (!KubernetesClientConfiguration.IsInCluster()) throw new CommandException(NoConfiguration);
                configuration = KubernetesClientConfiguration.InClusterConfig();
            }
            else
            {
                var kubeconfig = Merge(files.Select(f => KubernetesClientConfiguration.LoadKubeConfig(new FileInfo(f))).ToList());
                var contextName = invocation.Context ?? kubeconfig.CurrentContext;
                if (string.IsNullOrEmpty(contextName))
                    throw new CommandException("the kubeconfig has no current context: pass --context NAME");
                var context = kubeconfig.Contexts?.FirstOrDefault(c => c.Name == contextName)
                    ?? throw new CommandException($"context '{contextName}' is not in the kubeconfig");
                ApplyTokenFile(kubeconfig, context, files);
                configuration = KubernetesClientConfiguration.BuildConfigFromConfigObject(kubeconfig, contextName);
            }
        }
        catch (Exception e) when (e is not CommandException and not OutOfMemoryException)
        {
            throw new CommandException($"cannot load the kubeconfig: {OneLine(e.Message)}");
        }
        configuration.HttpClientTimeout = RequestTimeout;
        var ns = invocation.Namespace ?? (string.IsNullOrEmpty(configuration.Namespace) ? "default" : configuration.Namespace);
        return new KubeTarget(configuration, ns);
    }

    /// <summary>kubectl's merge of several files: the first to define a name (or a current context) wins.</summary>
    private static K8SConfiguration Merge(IReadOnlyList<K8SConfiguration> configs)
    {
        if (configs.Count == 1) return configs[0];
        static List<T> FirstOfEach<T>(IEnumerable<T> items, Func<T, string> name) =>
            items.GroupBy(name).Select(g => g.First()).ToList();
        return new K8SConfiguration
        {
            CurrentContext = configs.Select(c => c.CurrentContext).FirstOrDefault(c => !string.IsNullOrEmpty(c)),
            Clusters = FirstOfEach(configs.SelectMany(c => c.Clusters ?? []), c => c.Name),
            Users = FirstOfEach(configs.SelectMany(c => c.Users ?? []), u => u.Name),
            Contexts = FirstOfEach(configs.SelectMany(c => c.Contexts ?? []), c => c.Name),
        };
    }

    private static List<string> Files(string? flag, string? variable, string home)
    {
        if (flag is not null)
        {
            return File.Exists(flag) ? [flag] : throw new CommandException($"--kubeconfig file '{flag}' does not exist");
        }
        if (!string.IsNullOrEmpty(variable))
        {
            var listed = variable.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
            var existing = listed.Where(File.Exists).Distinct().ToList();
            return existing.Count > 0 ? existing : throw new CommandException($"no file named in KUBECONFIG exists ({variable})");
        }
        var fallback = Path.Combine(home, ".kube", "config");
        return File.Exists(fallback) ? [fallback] : [];
    }

    /// <summary>
    /// Sets the token of the context's user from its <c>tokenFile</c> (resolved against the directory of the file that
    /// defines the user, as client-go does); the first file that defines the user wins, as in kubectl's merge.
    /// </summary>
    private static void ApplyTokenFile(K8SConfiguration merged, Context context, IReadOnlyList<string> files)
    {
        var userName = context.ContextDetails?.User;
        if (string.IsNullOrEmpty(userName)) return;
        foreach (var file in files)
        {
            var single = KubernetesClientConfiguration.LoadKubeConfig(new FileInfo(file), useRelativePaths: false);
            if (single.Users?.FirstOrDefault(u => u.Name == userName) is null) continue;
            var tokenFile = TokenFileOf(file, userName);
            if (tokenFile is null) return;
            var path = Path.GetFullPath(tokenFile, Path.GetDirectoryName(Path.GetFullPath(file))!);
            var token = File.Exists(path) ? File.ReadAllText(path).Trim() : "";
            if (token.Length == 0) throw new CommandException($"the token file '{path}' of user '{userName}' is missing or empty");
            merged.Users.First(u => u.Name == userName).UserCredentials.Token = token;
            return;
        }
    }

    private static string? TokenFileOf(string file, string userName)
    {
        var yaml = new YamlStream();
        using (var reader = new StreamReader(file)) yaml.Load(reader);
        if (yaml.Documents.Count == 0 || yaml.Documents[0].RootNode is not YamlMappingNode root) return null;
        if (!root.Children.TryGetValue(new YamlScalarNode("users"), out var users) || users is not YamlSequenceNode list) return null;
        foreach (var entry in list.OfType<YamlMappingNode>())
        {
            if (Scalar(entry, "name") != userName) continue;
            return entry.Children.TryGetValue(new YamlScalarNode("user"), out var user) && user is YamlMappingNode details
                ? Scalar(details, "tokenFile") is { Length: > 0 } tokenFile ? tokenFile : null
                : null;
        }
        return null;
    }

    private static string? Scalar(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) && value is YamlScalarNode scalar ? scalar.Value : null;

    private static string OneLine(string text) => text.ReplaceLineEndings(" ").Trim();
}
