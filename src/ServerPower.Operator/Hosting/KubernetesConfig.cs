using k8s;
using ServerPower.Api.Connection;
using ServerPower.Operator.Kubernetes;

namespace ServerPower.Operator.Hosting;

/// <summary>
/// Loads the Kubernetes client configuration (an explicit kubeconfig, else KUBECONFIG, ~/.kube/config, in-cluster)
/// and sets the transport up for failure: a per-call timeout on every request except watches, and HTTP/2 keep-alive
/// pings, so a connection that went silent (a black-holed route, a dead API server behind a load balancer) fails the
/// call and is dropped well within the leader-election renew deadline (10 s) instead of hanging for 100 s. Bearer
/// tokens from a file (kubeconfig <c>user.tokenFile</c>, or the in-cluster service-account token) are re-read when
/// the file is rotated (<see cref="TokenFileCredentials"/>). Kubeconfig files are read by <see cref="KubeconfigLoader"/>,
/// shared with the kubectl plugin. With no configuration at all it fails with one line (KubernetesClient would
/// otherwise fall back to http://localhost:8080).
/// </summary>
public static class KubernetesConfig
{
    public const string NoConfiguration =
        "no Kubernetes configuration found: pass --kubeconfig (or SERVERPOWER_KUBECONFIG), set KUBECONFIG, create ~/.kube/config, or run in a cluster";

    /// <summary>Per-call timeout of every request but watches (KubernetesClient's HttpClientTimeout; its default is 100 s).</summary>
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(5);

    /// <summary>An HTTP/2 PING is sent after this long without a frame from the server...</summary>
    public static readonly TimeSpan KeepAlivePingDelay = TimeSpan.FromSeconds(3);

    /// <summary>...and the connection is closed, failing its requests, when the answer takes longer than this.</summary>
    public static readonly TimeSpan KeepAlivePingTimeout = TimeSpan.FromSeconds(3);

    /// <summary>
    /// An explicit kubeconfig, else the files KUBECONFIG names, else ~/.kube/config, else in-cluster (the service
    /// account's files, default <see cref="ServiceAccountFiles.Default"/>, and KUBERNETES_SERVICE_HOST/PORT).
    /// </summary>
    public static KubernetesClientConfiguration Load(string? kubeconfigPath, ServiceAccountFiles? serviceAccount = null)
    {
        serviceAccount ??= ServiceAccountFiles.Default;
        var host = Environment.GetEnvironmentVariable("KUBERNETES_SERVICE_HOST");
        var port = Environment.GetEnvironmentVariable("KUBERNETES_SERVICE_PORT");
        var files = kubeconfigPath is null ? DefaultKubeconfigFiles() : [kubeconfigPath];
        if (files.Count == 0 && !InClusterConfig.IsAvailable(serviceAccount, host, port)) throw new OptionsException(NoConfiguration);
        try
        {
            // In cluster no kubeconfig is read, so YamlDotNet is never loaded there.
            var config = files.Count == 0 ? InClusterConfig.Load(serviceAccount, host!, port!) : KubeconfigLoader.Load(files);
            ConfigureTransport(config);
            return config;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new OptionsException($"cannot load the Kubernetes configuration: {e.Message.ReplaceLineEndings(" ").Trim()}");
        }
    }

    /// <summary>Per-call timeout and HTTP/2 keep-alive pings on every connection (idle ones included).</summary>
    public static void ConfigureTransport(KubernetesClientConfiguration config)
    {
        config.HttpClientTimeout = RequestTimeout;
        var previous = config.FirstMessageHandlerSetup;
        config.FirstMessageHandlerSetup = handler =>
        {
            previous?.Invoke(handler);
            handler.KeepAlivePingPolicy = HttpKeepAlivePingPolicy.Always;
            handler.KeepAlivePingDelay = KeepAlivePingDelay;
            handler.KeepAlivePingTimeout = KeepAlivePingTimeout;
            handler.ConnectTimeout = RequestTimeout;
        };
    }

    /// <summary>The operator's client: the configuration above, and the field manager on every write.</summary>
    public static IKubernetes CreateClient(KubernetesClientConfiguration config) => new k8s.Kubernetes(config, new FieldManagerHandler());

    /// <summary>The files KUBECONFIG names, else ~/.kube/config when it exists; none: in-cluster.</summary>
    private static IReadOnlyList<string> DefaultKubeconfigFiles()
    {
        var variable = Environment.GetEnvironmentVariable("KUBECONFIG");
        if (!string.IsNullOrEmpty(variable))
            return variable.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return File.Exists(KubernetesClientConfiguration.KubeConfigDefaultLocation) ? [KubernetesClientConfiguration.KubeConfigDefaultLocation] : [];
    }
}
