using k8s;

namespace ServerPower.Operator.Hosting;

/// <summary>Loads the Kubernetes client configuration: an explicit kubeconfig, else KUBECONFIG, ~/.kube/config, in-cluster.</summary>
public static class KubernetesConfig
{
    public static KubernetesClientConfiguration Load(string? kubeconfigPath)
    {
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
