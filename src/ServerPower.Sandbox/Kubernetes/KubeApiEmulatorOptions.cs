using ServerPower.Sandbox.Kubernetes.Rbac;

namespace ServerPower.Sandbox.Kubernetes;

/// <summary>Settings of <see cref="KubeApiEmulator"/>.</summary>
public sealed class KubeApiEmulatorOptions
{
    /// <summary>Port on 127.0.0.1; 0 picks a free one.</summary>
    public int Port { get; set; }

    /// <summary>
    /// Serve HTTPS (HTTP/1.1 and HTTP/2 by ALPN) with a serving certificate issued by a CA made at startup
    /// (<see cref="KubeApiEmulator.CertificateAuthorityPem"/>); plain HTTP/1.1 when false.
    /// </summary>
    public bool Https { get; set; }

    /// <summary>Bearer token that may do everything (written into <see cref="KubeApiEmulator.WriteKubeconfig"/>).</summary>
    public string AdminToken { get; set; } = "sandbox-admin-token";

    /// <summary>
    /// Requests without credentials act as the admin. kubectl (client-go) never sends user credentials to a
    /// plain-http server (it reads them only for TLS), so this is what makes kubectl work over HTTP; set false to
    /// answer 401 (over HTTPS kubectl sends its token).
    /// </summary>
    public bool AnonymousIsAdmin { get; set; } = true;

    /// <summary>Restricted identities whose requests are checked against their RBAC rules.</summary>
    public List<EmulatorIdentity> Identities { get; } = [];

    /// <summary>How many change events the server retains for watch resumption; older versions get 410 Expired.</summary>
    public int WatchEventWindow { get; set; } = 100_000;

    /// <summary>Events a watcher may lag behind before the server closes its stream.</summary>
    public int WatcherCapacity { get; set; } = 100_000;

    /// <summary>Period of BOOKMARK events on watches that allow them (the real server uses about a minute).</summary>
    public TimeSpan BookmarkInterval { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Clock for timestamps, ages, bookmarks and watch timeouts.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    public IList<string> InitialNamespaces { get; } = ["default", "kube-system", "kube-public", "kube-node-lease"];
}
