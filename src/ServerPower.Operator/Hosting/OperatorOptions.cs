using ServerPower.Api.Connection;

namespace ServerPower.Operator.Hosting;

/// <summary>The operator's settings: command line <c>--name value</c>, or environment <c>SERVERPOWER_NAME</c>.</summary>
public sealed record OperatorOptions
{
    /// <summary>Namespaces to watch; empty: all namespaces.</summary>
    public IReadOnlyList<string> Namespaces { get; init; } = [];
    public string? LabelSelector { get; init; }
    public int Workers { get; init; } = 4;
    public TimeSpan ResyncPeriod { get; init; } = TimeSpan.FromMinutes(5);
    /// <summary>Shortest and longest wait between observations while a server converges (the wait grows with the action's age).</summary>
    public TimeSpan MinPoll { get; init; } = TimeSpan.FromSeconds(2);
    public TimeSpan MaxPoll { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>How long an accepted start may take to show before it is sent again.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromMinutes(5);
    /// <summary>How long a reconcile in flight may run on after leadership is lost or shutdown began.</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(20);
    /// <summary>Provider call timeouts, retries and circuit breaker.</summary>
    public ProviderSettings Provider { get; init; } = new();
    /// <summary>One port for /metrics, /healthz and /readyz.</summary>
    public int Port { get; init; } = 8080;
    /// <summary>Listen on 127.0.0.1 only (the sandbox); otherwise on every address (a pod).</summary>
    public bool ListenOnLoopback { get; init; }
    public bool LeaderElection { get; init; } = true;
    public string? LeaderElectionNamespace { get; init; }
    public string LeaderElectionLease { get; init; } = "serverpower-operator";
    public bool AllowHttpEndpoints { get; init; }
    /// <summary>Plain http to loopback addresses only (the sandbox).</summary>
    public bool AllowLoopbackHttp { get; init; }
    public IReadOnlyList<string> AllowedEndpointHosts { get; init; } = [];
    /// <summary>Addresses allowed although a default rule refuses them (--allowed-cidrs), e.g. 127.0.0.1/32 in the sandbox.</summary>
    public IReadOnlyList<System.Net.IPNetwork> AllowedCidrs { get; init; } = [];
    /// <summary>Addresses refused besides the defaults (--denied-cidrs), e.g. the cluster's pod and service ranges.</summary>
    public IReadOnlyList<System.Net.IPNetwork> DeniedCidrs { get; init; } = [];
    /// <summary>Readiness probes in flight at once for one namespace.</summary>
    public int MaxProbesPerNamespace { get; init; } = 8;
    /// <summary>ServerPowers served per namespace (the oldest first); the others are reported NamespaceLimitExceeded. 0: no limit.</summary>
    public int MaxServersPerNamespace { get; init; } = 1000;
    /// <summary>Run spec.readinessProbe; false: no probe connects anywhere and Ready follows the provider alone.</summary>
    public bool ReadinessProbes { get; init; } = true;
    /// <summary>Read spec.autoStop.activity; false: nothing is read, no server is idle-stopped (maxRuntime still applies).</summary>
    public bool ActivityReads { get; init; } = true;
    public string LogFormat { get; init; } = "text";
    /// <summary>A kubeconfig file; default: KUBECONFIG, ~/.kube/config, then in-cluster.</summary>
    public string? Kubeconfig { get; init; }
    /// <summary>In cluster: the service account's token and CA (the pod's mount; the benchmark and tests point them at their own files).</summary>
    public ServiceAccountFiles ServiceAccount { get; init; } = ServiceAccountFiles.Default;
}
