using k8s;

namespace ServerPower.Operator.Hosting;

/// <summary>
/// Loads the Kubernetes client configuration: an explicit kubeconfig, else KUBECONFIG, ~/.kube/config, in-cluster.
/// With none of them it fails with one line (KubernetesClient would otherwise fall back to http://localhost:8080).
/// </summary>
public static class KubernetesConfig
{
    public const string NoConfiguration =
        "no Kubernetes configuration found: pass --kubeconfig (or SERVERPOWER_KUBECONFIG), set KUBECONFIG, create ~/.kube/config, or run in a cluster";

    public static KubernetesClientConfiguration Load(string? kubeconfigPath)
    {
        if (kubeconfigPath is null && !KubernetesClientConfiguration.IsInCluster()
            && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("KUBECONFIG"))
            && !File.Exists(KubernetesClientConfiguration.KubeConfigDefaultLocation))
            throw new OptionsException(NoConfiguration);
        try
        {
            return kubeconfigPath is null
                ? KubernetesClientConfiguration.BuildDefaultConfig()
                : KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfigPath);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new OptionsException($"cannot load the Kubernetes configuration: {e.Message}");
        }
    }
}
