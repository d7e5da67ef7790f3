using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using k8s;
using ServerPower.Api.Connection;
using ServerPower.Operator.Hosting;
using ServerPower.Runtime;
using ServerPower.Sandbox.Kubernetes;
using ServerPower.Sandbox.Kubernetes.Rbac;

namespace ServerPower.Operator.Tests.Hosting;

/// <summary>The operator's Kubernetes client: per-call timeout, HTTP/2 keep-alive, a token file that rotates.</summary>
public sealed class KubernetesConfigTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void The_per_call_timeout_and_the_keep_alive_ping_fit_well_within_the_lease_renew_deadline()
    {
        var config = new KubernetesClientConfiguration { Host = "https://127.0.0.1:6443" };
        KubernetesConfig.ConfigureTransport(config);
        using var handler = new SocketsHttpHandler();
        config.FirstMessageHandlerSetup(handler);
        var renewDeadline = new LeaderElectionOptions().RenewDeadline;

        Assert.Equal(KubernetesConfig.RequestTimeout, config.HttpClientTimeout);
        Assert.True(KubernetesConfig.RequestTimeout * 2 <= renewDeadline);
        Assert.Equal(HttpKeepAlivePingPolicy.Always, handler.KeepAlivePingPolicy);
        Assert.True(handler.KeepAlivePingDelay + handler.KeepAlivePingTimeout < renewDeadline);
    }

    [Fact]
    public async Task A_request_to_a_listener_that_accepts_and_never_answers_fails_within_the_per_call_timeout()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var accepted = new ConcurrentBag<Socket>();
        var accepting = Task.Run(async () =>
        {
            try
            {
                while (true) accepted.Add(await listener.AcceptSocketAsync(Ct)); // accepts, never reads, never answers
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
            }
        }, Ct);
        var dir = Directory.CreateTempSubdirectory("black-hole-");
        var kubeconfig = Path.Combine(dir.FullName, "kubeconfig");
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        await File.WriteAllTextAsync(kubeconfig, $$$"""
            apiVersion: v1
            kind: Config
            clusters: [{name: c, cluster: {server: "http://127.0.0.1:{{{port}}}"}}]
            users: [{name: u, user: {token: t}}]
            contexts: [{name: c, context: {cluster: c, user: u}}]
            current-context: c
            """, Ct);
        using var client = KubernetesConfig.CreateClient(KubernetesConfig.Load(kubeconfig));

        // Without the per-call timeout the client would wait 100 s (KubernetesClient's default), beyond this bound.
        var call = client.CoreV1.ReadNamespaceAsync("default", cancellationToken: Ct);
        var error = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call.WaitAsync(TimeSpan.FromSeconds(60), Ct));

        Assert.False(Ct.IsCancellationRequested);
        Assert.NotEmpty(accepted);
        Assert.NotNull(error);
        listener.Stop();
        foreach (var socket in accepted) socket.Dispose();
        await accepting;
        dir.Delete(recursive: true);
    }

    [Fact]
    public async Task A_kubeconfig_tokenFile_over_https_is_read_and_read_again_after_rotation()
    {
        var identity = new EmulatorIdentity("token-one", [new EmulatorPolicyRule(["*"], ["*"], ["*"])], "system:serviceaccount:ops:operator");
        await using var emulator = await StartSecureAsync(identity);
        var dir = Directory.CreateTempSubdirectory("token-file-");
        var tokenFile = Path.Combine(dir.FullName, "token");
        await File.WriteAllTextAsync(tokenFile, "token-one\n", Ct);
        var versions = new VersionRecorder();
        using var client = new k8s.Kubernetes(KubernetesConfig.Load(
            emulator.WriteKubeconfigWithTokenFile(Path.Combine(dir.FullName, "kubeconfig"), tokenFile)), versions);

        await client.CoreV1.ReadNamespaceAsync("default", cancellationToken: Ct);
        emulator.AcceptToken(identity, "token-two");
        await RotateAsync(tokenFile, "token-two");
        emulator.RevokeToken("token-one");
        await client.CoreV1.ReadNamespaceAsync("default", cancellationToken: Ct);

        Assert.Equal(1, emulator.CountRequestsWithToken("token-one"));
        Assert.Equal(1, emulator.CountRequestsWithToken("token-two"));
        Assert.Equal([HttpVersion.Version20, HttpVersion.Version20], versions.Versions); // HTTP/2 by ALPN, as with kube-apiserver
        dir.Delete(recursive: true);
    }

    [Fact]
    public async Task In_cluster_the_service_account_token_and_CA_files_are_used_and_the_token_is_read_again_after_rotation()
    {
        var identity = new EmulatorIdentity("sa-one", [new EmulatorPolicyRule(["*"], ["*"], ["*"])], "system:serviceaccount:ops:operator");
        await using var emulator = await StartSecureAsync(identity);
        var dir = Directory.CreateTempSubdirectory("service-account-");
        var files = new ServiceAccountFiles(Path.Combine(dir.FullName, "token"), Path.Combine(dir.FullName, "ca.crt"));
        await File.WriteAllTextAsync(files.TokenFile, "sa-one\n", Ct);
        await File.WriteAllTextAsync(files.CaFile, emulator.CertificateAuthorityPem, Ct);
        var config = InClusterConfig.Load(files, emulator.BaseAddress.Host, $"{emulator.BaseAddress.Port}");
        KubernetesConfig.ConfigureTransport(config);
        using var client = KubernetesConfig.CreateClient(config);

        await client.CoreV1.ReadNamespaceAsync("default", cancellationToken: Ct);
        emulator.AcceptToken(identity, "sa-two");
        await RotateAsync(files.TokenFile, "sa-two");
        emulator.RevokeToken("sa-one");
        await client.CoreV1.ReadNamespaceAsync("default", cancellationToken: Ct);

        Assert.Equal(emulator.BaseAddress, new Uri(config.Host));
        Assert.Equal(1, emulator.CountRequestsWithToken("sa-one"));
        Assert.Equal(1, emulator.CountRequestsWithToken("sa-two"));
        File.WriteAllText(files.CaFile, "not a certificate");
        Assert.StartsWith($"the service account CA {files.CaFile} holds no certificate",
            Assert.Throws<KubeconfigException>(() => InClusterConfig.Load(files, "127.0.0.1", "443")).Message, StringComparison.Ordinal);
        Assert.Equal("KUBERNETES_SERVICE_PORT 'https' is not a port number",
            Assert.Throws<KubeconfigException>(() => InClusterConfig.Load(files, "127.0.0.1", "https")).Message);
        dir.Delete(recursive: true);
    }

    /// <summary>The emulator over HTTPS with its own CA, no anonymous access, and <paramref name="identity"/> allowed.</summary>
    private static Task<KubeApiEmulator> StartSecureAsync(EmulatorIdentity identity)
    {
        var options = new KubeApiEmulatorOptions { Https = true, AnonymousIsAdmin = false };
        options.Identities.Add(identity);
        return KubeApiEmulator.StartAsync(options, Ct);
    }

    private sealed class VersionRecorder : DelegatingHandler
    {
        private readonly ConcurrentQueue<Version> versions = new();

        public IReadOnlyList<Version> Versions => [.. versions];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            versions.Enqueue(response.Version);
            return response;
        }
    }

    /// <summary>As the kubelet updates a projected token: a new file renamed over the old one (a new write time).</summary>
    private static async Task RotateAsync(string path, string token)
    {
        var next = path + ".next";
        await File.WriteAllTextAsync(next, token + "\n", Ct);
        File.SetLastWriteTimeUtc(next, File.GetLastWriteTimeUtc(path).AddSeconds(1));
        File.Move(next, path, overwrite: true);
    }
}
