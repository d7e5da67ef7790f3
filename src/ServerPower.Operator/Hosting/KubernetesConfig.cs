using System.Net;
using k8s;
using ServerPower.Operator.Hosting.Kubeconfig;
using ServerPower.Operator.Kubernetes;

namespace ServerPower.Operator.Hosting;

/// <summary>
/// Loads the Kubernetes client configuration (an explicit kubeconfig, else KUBECONFIG, ~/.kube/config, in-cluster)
/// and sets the transport up for failure: a per-call timeout on every request except watches, and HTTP/2 keep-alive
/// pings, so a connection that went silent (a black-holed route, a dead API server behind a load balancer) fails the
/// call and is dropped well within the leader-election renew deadline (10 s) instead of hanging for 100 s. Bearer
/// tokens from a file (kubeconfig <c>user.tokenFile</c>, or the in-cluster service-account token) are re-read when
/// the file is rotated (<see cref="TokenFileCredentials"/>). Kubeconfig files are read by <see cref="KubeconfigReader"/>
/// (no YamlDotNet in the operator). With no configuration at all it fails with one line (KubernetesClient would
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

    private const string InClusterTokenFile = "/var/run/secrets/kubernetes.io/serviceaccount/token";

    public static KubernetesClientConfiguration Load(string? kubeconfigPath)
    {
        if (kubeconfigPath is null && !KubernetesClientConfiguration.IsInCluster()
            && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("KUBECONFIG"))
            && !File.Exists(KubernetesClientConfiguration.KubeConfigDefaultLocation))
            throw new OptionsException(NoConfiguration);
        try
        {
            var files = kubeconfigPath is null ? DefaultKubeconfigFiles() : [kubeconfigPath];
            KubernetesClientConfiguration config;
            if (files.Count == 0)
            {
                config = KubernetesClientConfiguration.InClusterConfig();
                config.TokenProvider = new TokenFileCredentials(InClusterTokenFile);
            }
            else
            {
                // Read by the operator itself, not by KubernetesClient's loader, which needs YamlDotNet (KubeconfigReader).
                var kubeconfig = KubeconfigReader.Read(files);
                TokenFileCredentials? tokenFile = null;
                if (kubeconfig.CurrentTokenFile is { } tokenPath && kubeconfig.CurrentUser is { UserCredentials: { } credentials })
                {
                    // tokenFile wins over token, as in client-go; the token read now satisfies KubernetesClient's
                    // check that the user has credentials, the provider then serves every request.
                    tokenFile = new TokenFileCredentials(tokenPath);
                    credentials.Token = tokenFile.Token();
                }
                config = KubernetesClientConfiguration.BuildConfigFromConfigObject(kubeconfig.Configuration);
                if (tokenFile is not null) config.TokenProvider = tokenFile;
                if (kubeconfig.CurrentProxyUrl is { } proxy) UseProxy(config, new Uri(proxy));
            }
            ConfigureTransport(config);
            return config;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new OptionsException($"cannot load the Kubernetes configuration: {e.Message}");
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

    /// <summary>The cluster's <c>proxy-url</c> (http, https or socks5), which KubernetesClient does not read.</summary>
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

    /// <summary>The files KUBECONFIG names, else ~/.kube/config when it exists; none: in-cluster.</summary>
    private static IReadOnlyList<string> DefaultKubeconfigFiles()
    {
        var variable = Environment.GetEnvironmentVariable("KUBECONFIG");
        if (!string.IsNullOrEmpty(variable))
            return variable.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return File.Exists(KubernetesClientConfiguration.KubeConfigDefaultLocation) ? [KubernetesClientConfiguration.KubeConfigDefaultLocation] : [];
    }
}
