using System.Net;
using k8s;
using ServerPower.Sandbox.Kubernetes.Rbac;

namespace ServerPower.Sandbox.Tests.Kubernetes;

/// <summary>The emulator's HTTPS mode: HTTP/2 by ALPN, a CA made at startup, bearer tokens that rotate.</summary>
public sealed class SecureTransportTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly EmulatorIdentity Everything = new("token-one",
        [new EmulatorPolicyRule(["*"], ["*"], ["*"])], "system:serviceaccount:default:rotating");

    [Fact]
    public async Task Https_serves_HTTP2_to_clients_trusting_the_CA_and_no_one_else()
    {
        await using var h = await EmulatorHarness.StartAsync(o => o.Https = true);

        using var response = await h.Http.GetAsync("/version", Ct);
        using var client = h.Client();
        var namespaces = await client.CoreV1.ListNamespaceAsync(cancellationToken: Ct);
        using var untrusting = new HttpClient { BaseAddress = h.Emulator.BaseAddress };

        Assert.Equal("https", h.Emulator.BaseAddress.Scheme);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpVersion.Version20, response.Version);
        Assert.Contains(namespaces.Items, n => n.Metadata.Name == "kube-system");
        Assert.Contains("certificate-authority-data:", await File.ReadAllTextAsync(h.Kubeconfig, Ct));
        await Assert.ThrowsAsync<HttpRequestException>(() => untrusting.GetAsync("/version", Ct));
    }

    [Fact]
    public async Task Kubectl_works_over_https_with_a_token_file_that_is_rotated()
    {
        Assert.SkipUnless(Kubectl.Available, "kubectl is not on the PATH");
        await using var h = await EmulatorHarness.StartAsync(o =>
        {
            o.Https = true;
            o.AnonymousIsAdmin = false;
            o.Identities.Add(Everything);
        });
        var tokenFile = Path.Combine(h.Dir, "token");
        await File.WriteAllTextAsync(tokenFile, "token-one\n", Ct);
        var kubectl = new Kubectl(h.Emulator.WriteKubeconfigWithTokenFile(Path.Combine(h.Dir, "rotating.kubeconfig"), tokenFile),
            Path.Combine(h.Dir, "rotating-cache"));

        await kubectl.MustAsync("get namespaces");
        h.Emulator.AcceptToken(Everything, "token-two");
        await File.WriteAllTextAsync(tokenFile, "token-two\n", Ct);
        h.Emulator.RevokeToken("token-one");
        var after = await kubectl.MustAsync("get namespace default -o name");

        Assert.Equal("namespace/default", after.StdOut.Trim());
        Assert.True(h.Emulator.CountRequestsWithToken("token-two") > 0);
        using var revoked = new HttpRequestMessage(HttpMethod.Get, "/api/v1/namespaces");
        revoked.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "token-one");
        using var refused = await h.Http.SendAsync(revoked, Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }
}
