using k8s;
using ServerPower.Api.Connection;
using ServerPower.KubectlPower.Cli;

namespace ServerPower.KubectlPower.Kube;

/// <summary>The client configuration and namespace, found as kubectl finds them.</summary>
public sealed record KubeTarget(KubernetesClientConfiguration Configuration, string Namespace);

/// <summary>
/// Finds the kubeconfig as kubectl does: <c>--kubeconfig</c>, else the files in KUBECONFIG (merged, missing ones
/// skipped), else <c>~/.kube/config</c>, else the in-cluster service account; reads it with the loader the operator
/// uses (<see cref="KubeconfigLoader"/>). <c>--context</c> picks a context; the namespace is <c>-n</c>, else the
/// context's, else <c>default</c>. Every failure is one line.
/// </summary>
public static class KubeTargetLoader
{
    public const string NoConfiguration =
        "no kubeconfig found: pass --kubeconfig PATH after power (kubectl power status --kubeconfig PATH; kubectl itself refuses it before power), set KUBECONFIG, or create ~/.kube/config";

    /// <summary>A request that has no answer after this long fails (KubernetesClient's default is 100 s).</summary>
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);

    public static KubeTarget Load(Invocation invocation, string? kubeconfigVariable, string home)
    {
        var files = Files(invocation.Kubeconfig, kubeconfigVariable, home);
        var host = Environment.GetEnvironmentVariable("KUBERNETES_SERVICE_HOST");
        var port = Environment.GetEnvironmentVariable("KUBERNETES_SERVICE_PORT");
        if (files.Count == 0 && !InClusterConfig.IsAvailable(ServiceAccountFiles.Default, host, port))
            throw new CommandException(NoConfiguration);
        KubernetesClientConfiguration configuration;
        try
        {
            configuration = files.Count == 0
                ? InClusterConfig.Load(ServiceAccountFiles.Default, host!, port!)
                : KubeconfigLoader.Load(files, invocation.Context);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new CommandException($"cannot load the kubeconfig: {e.Message.ReplaceLineEndings(" ").Trim()}");
        }
        configuration.HttpClientTimeout = RequestTimeout;
        var ns = invocation.Namespace ?? (string.IsNullOrEmpty(configuration.Namespace) ? "default" : configuration.Namespace);
        return new KubeTarget(configuration, ns);
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
}
