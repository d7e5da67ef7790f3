using System.Net;
using k8s;
using ServerPower.Api.Connection;

namespace ServerPower.Api.Tests.Connection;

/// <summary>
/// The kubeconfig loader the operator and the plugin share: KubernetesClient reads the YAML, and the rules are
/// client-go's where KubernetesClient's differ (exact names, per-file relative paths, tokenFile, proxy-url).
/// </summary>
public sealed class KubeconfigLoaderTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("kubeconfig-loader-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private string Write(string text, string name = "config")
    {
        var path = Path.Combine(dir, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    private static string Fails(Action load)
    {
        var message = Assert.ThrowsAny<Exception>(load).Message;
        Assert.DoesNotContain('\n', message);
        return message;
    }

    [Fact]
    public void Names_match_exactly_as_in_kubectl_where_KubernetesClient_alone_ignores_case()
    {
        var path = Write("""
            clusters:
            - {name: Prod, cluster: {server: "https://upper.example"}}
            - {name: prod, cluster: {server: "https://lower.example"}}
            users:
            - {name: Admin, user: {token: upper}}
            - {name: admin, user: {token: lower}}
            contexts:
            - {name: Prod, context: {cluster: Prod, user: Admin}}
            - {name: prod, context: {cluster: prod, user: admin}}
            current-context: prod
            """);

        var config = KubeconfigLoader.Load([path]);

        Assert.Equal("https://lower.example", config.Host.TrimEnd('/'));
        Assert.Equal("lower", config.AccessToken);
        Assert.Equal("https://upper.example", KubernetesClientConfiguration.BuildConfigFromConfigFile(path).Host.TrimEnd('/')); // why this loader picks itself
        Assert.Equal("context 'PROD' is not in the kubeconfig", Fails(() => KubeconfigLoader.Load([path], "PROD")));
    }

    [Fact]
    public void A_context_whose_cluster_or_user_differs_in_case_only_is_an_error_naming_it()
    {
        var path = Write("""
            clusters: [{name: c, cluster: {server: "https://c.example"}}]
            users: [{name: u, user: {token: t}}]
            contexts:
            - {name: cluster-case, context: {cluster: C, user: u}}
            - {name: user-case, context: {cluster: c, user: U}}
            """);

        Assert.Equal("cluster 'C' of context 'cluster-case' is not in the kubeconfig", Fails(() => KubeconfigLoader.Load([path], "cluster-case")));
        Assert.Equal("user 'U' of context 'user-case' is not in the kubeconfig", Fails(() => KubeconfigLoader.Load([path], "user-case")));
        Assert.Equal("the kubeconfig has no current context", Fails(() => KubeconfigLoader.Load([path])));
    }

    [Fact]
    public void A_proxy_url_is_set_on_the_connection_handler_and_another_scheme_is_refused()
    {
        var path = Write("""
            clusters: [{name: c, cluster: {server: "https://c.example", proxy-url: "socks5://127.0.0.1:1080"}}]
            users: [{name: u, user: {token: t}}]
            contexts: [{name: c, context: {cluster: c, user: u}}]
            current-context: c
            """);
        var config = KubeconfigLoader.Load([path]);
        using var handler = new SocketsHttpHandler();

        config.FirstMessageHandlerSetup(handler);

        Assert.True(handler.UseProxy);
        Assert.Equal(new Uri("socks5://127.0.0.1:1080"), ((WebProxy)handler.Proxy!).Address);
        File.WriteAllText(path, File.ReadAllText(path).Replace("socks5://", "ftp://", StringComparison.Ordinal));
        Assert.Equal("proxy-url of cluster 'c' must be an http, https or socks5 URL", Fails(() => KubeconfigLoader.Load([path])));
    }

    [Fact]
    public async Task A_relative_tokenFile_is_read_wins_over_token_and_is_read_again_after_rotation()
    {
        var token = Write("from-file\n", "secrets/token");
        var path = Write("""
            clusters: [{name: c, cluster: {server: "http://127.0.0.1:1"}}]
            users: [{name: u, user: {token: inline, tokenFile: secrets/token}}]
            contexts: [{name: c, context: {cluster: c, user: u}}]
            current-context: c
            """);

        var config = KubeconfigLoader.Load([path]);
        var before = await config.TokenProvider.GetAuthenticationHeaderAsync(TestContext.Current.CancellationToken);
        File.WriteAllText(token, "rotated-token\n");
        var after = await config.TokenProvider.GetAuthenticationHeaderAsync(TestContext.Current.CancellationToken);

        Assert.Equal("from-file", before.Parameter);
        Assert.Equal("rotated-token", after.Parameter);
        Assert.Equal(token, Assert.IsType<TokenFileCredentials>(config.TokenProvider).Path);
        File.Delete(token);
        Assert.Equal($"the token file '{token}' of user 'u' is missing or empty", Fails(() => KubeconfigLoader.Load([path])));
    }

    [Fact]
    public void Several_files_merge_first_one_wins_missing_ones_are_skipped_and_paths_resolve_against_their_own_file()
    {
        var first = Write("""
            clusters: [{name: shared, cluster: {server: "https://first.example"}}]
            users: [{name: u, user: {token: first}}]
            """, "one/config");
        var second = Write("""
            current-context: c
            clusters: [{name: shared, cluster: {server: "https://second.example"}}, {name: other, cluster: {server: "https://2.example", certificate-authority: ca.crt}}]
            users: [{name: u, user: {tokenFile: token}}]
            contexts: [{name: c, context: {cluster: shared, user: u}}]
            """, "two/config");

        var config = KubeconfigLoader.Load([first, Path.Combine(dir, "missing"), second]);
        var secondFile = KubeconfigFile.Read(second);

        Assert.Equal("https://first.example", config.Host.TrimEnd('/'));
        Assert.Equal("first", config.AccessToken); // the second file's u, with its tokenFile, lost to the first's
        Assert.Null(config.TokenProvider);
        Assert.Equal(Path.Combine(dir, "two", "ca.crt"), secondFile.Configuration.Clusters.Single(c => c.Name == "other").ClusterEndpoint.CertificateAuthority);
        Assert.Equal(Path.Combine(dir, "two", "token"), secondFile.TokenFiles["u"]);
        Assert.StartsWith("none of the kubeconfig files exists:", Fails(() => KubeconfigLoader.Load([Path.Combine(dir, "a"), Path.Combine(dir, "b")])), StringComparison.Ordinal);
    }

    [Fact]
    public void YAML_anchors_and_JSON_are_read_by_the_library()
    {
        var yaml = Write("""
            clusters: [{name: c, cluster: &endpoint {server: "https://anchored.example"}}, {name: d, cluster: *endpoint}]
            users: [{name: u, user: {token: t}}]
            contexts: [{name: x, context: {cluster: d, user: u}}]
            current-context: x
            """);
        var json = Write("""
            {"clusters": [{"name": "c", "cluster": {"server": "https://json.example"}}], "users": [{"name": "u", "user": {"token": "t"}}],
             "contexts": [{"name": "x", "context": {"cluster": "c", "user": "u"}}], "current-context": "x"}
            """, "config.json");

        Assert.Equal("https://anchored.example", KubeconfigLoader.Load([yaml]).Host.TrimEnd('/'));
        Assert.Equal("https://json.example", KubeconfigLoader.Load([json]).Host.TrimEnd('/'));
    }

    [Fact]
    public void Broken_files_fail_with_one_line()
    {
        Assert.Contains("kubeconfig file not found at", Fails(() => KubeconfigLoader.Load([Path.Combine(dir, "absent")])), StringComparison.Ordinal);
        Assert.NotEmpty(Fails(() => KubeconfigLoader.Load([Write("clusters: [unclosed", "broken")])));
        Assert.NotEmpty(Fails(() => KubeconfigLoader.Load([Write("clusters: 5\ncurrent-context: x\n", "wrong-shape")])));
    }
}
