using System.Net;
using System.Text;
using k8s;
using k8s.KubeConfigModels;
using ServerPower.Operator.Hosting;
using ServerPower.Operator.Hosting.Kubeconfig;

namespace ServerPower.Operator.Tests.Hosting;

/// <summary>
/// The operator's own kubeconfig reader (no YamlDotNet in the operator): the files kubectl, kind, k3s and cloud CLIs
/// write give the model KubernetesClient's YamlDotNet-based loader gives (this test project has YamlDotNet, so both
/// are compared), relative paths resolve against the file's directory, and what it does not read fails with its line.
/// </summary>
public sealed class KubeconfigReaderTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("kubeconfig-reader-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private string Write(string text, string name = "config")
    {
        var path = Path.Combine(dir, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    private static readonly string CaData = Convert.ToBase64String(Encoding.ASCII.GetBytes("-----BEGIN CERTIFICATE-----\nnot really\n-----END CERTIFICATE-----\n"));

    /// <summary>Files as their tools write them; each is read by both readers and compared field by field.</summary>
    public static TheoryData<string, string> Files => new()
    {
        {
            "kubectl config view --raw",
            """
            apiVersion: v1
            clusters:
            - cluster:
                certificate-authority: ca.crt
                server: https://10.0.0.1:6443
                tls-server-name: kubernetes.default
              name: production
            - cluster:
                insecure-skip-tls-verify: true
                server: https://staging.example:443
              name: staging
            contexts:
            - context:
                cluster: production
                namespace: power
                user: admin
              name: production
            - context:
                cluster: staging
                user: dev
              name: staging
            current-context: production
            kind: Config
            preferences: {}
            users:
            - name: admin
              user:
                client-certificate: certs/admin.crt
                client-key: certs/admin.key
            - name: dev
              user:
                token: abc.def-ghi
            """
        },
        {
            "kind / k3s (inline data, quoted server)",
            $$"""
            apiVersion: v1
            clusters:
            - cluster:
                certificate-authority-data: {{CaData}}
                server: "https://127.0.0.1:6443"
              name: kind-kind
            contexts:
            - context:
                cluster: kind-kind
                user: kind-kind
              name: kind-kind
            current-context: kind-kind
            kind: Config
            preferences: {}
            users:
            - name: kind-kind
              user:
                client-certificate-data: {{CaData}}
                client-key-data: {{CaData}}
            """
        },
        {
            "exec plugin with args and env (block and flow)",
            """
            apiVersion: v1
            kind: Config
            clusters:
              - name: eks
                cluster:
                  server: https://ABC.gr7.eu-west-1.eks.amazonaws.com
            users:
              - name: eks
                user:
                  exec:
                    apiVersion: client.authentication.k8s.io/v1beta1
                    command: aws
                    args:
                      - --region
                      - eu-west-1
                      - eks
                      - get-token
                      - "--cluster-name"
                      - 'prod'
                    env:
                      - name: AWS_PROFILE
                        value: prod
                      - {name: EMPTY, value: ""}
                    interactiveMode: IfAvailable
                    provideClusterInfo: false
                    installHint: |
                      Install the AWS CLI:
                        https://aws.amazon.com/cli/
              - name: gke
                user:
                  exec: {apiVersion: client.authentication.k8s.io/v1beta1, command: gke-gcloud-auth-plugin, args: ["--flag", "x y"], provideClusterInfo: true}
            contexts:
              - name: eks
                context: {cluster: eks, user: eks}
            current-context: eks
            """
        },
        {
            "quoted scalars, escapes, comments, document markers",
            """
            # written by hand
            ---
            apiVersion: "v1"   # trailing comment
            kind: 'Config'
            clusters:
            - name: "quoted \"name\" \u00e9\ttab"
              cluster:
                server: 'https://it''s.example:6443' # a comment after a quoted value
                # a comment line inside a mapping

                insecure-skip-tls-verify: false
            users:
            - name: basic
              user:
                username: "admin"
                password: "p#ss: w\\ord \x41\U0001F600"
            - name: folded
              user:
                token: "one
                  two

                  three\
                  four"
            contexts:
            - name: c
              context:
                cluster: "quoted \"name\" é\ttab"
                user: basic
                namespace: ~
            current-context: c
            ...
            """
        },
        {
            "auth-provider, folded block scalar, null values",
            """
            apiVersion: v1
            kind: Config
            clusters:
            - name: c
              cluster:
                server: https://c.example
                certificate-authority-data:
            users:
            - name: oidc
              user:
                auth-provider:
                  name: oidc
                  config:
                    client-id: kubernetes
                    idp-issuer-url: https://issuer.example
                    id-token: eyJ.x.y
                    refresh-token: r
                    extra-scopes: >-
                      groups
                      email
            contexts:
            - name: c
              context:
                cluster: c
                user: oidc
                namespace: null
            current-context: c
            """
        },
    };

    [Theory]
    [MemberData(nameof(Files))]
    public void A_file_gives_the_model_KubernetesClients_own_loader_gives(string tool, string text)
    {
        var path = Write(text);

        var ours = KubeconfigReader.Read(path).Configuration;
        var theirs = KubernetesClientConfiguration.LoadKubeConfig(path, useRelativePaths: true);

        Assert.NotEmpty(ours.Clusters);
        Assert.All(ours.Clusters, c => Assert.StartsWith("https://", c.ClusterEndpoint.Server));
        Assert.True(Describe(theirs, resolveAgainst: dir) == Describe(ours, resolveAgainst: null), tool + "\n--- KubernetesClient:\n" + Describe(theirs, dir) + "\n--- ours:\n" + Describe(ours, null));
    }

    /// <summary>The real kubectl writes the file (long values folded over lines, quoting where needed).</summary>
    [Fact]
    public async Task A_file_kubectl_wrote_gives_the_model_KubernetesClients_own_loader_gives()
    {
        var path = Path.Combine(dir, "kubectl-written");
        var kubectl = new Kubectl(path);
        var longPlain = string.Join(' ', Enumerable.Repeat("plain words folded by the writer", 6));
        string[][] commands =
        [
            ["config", "set-cluster", "prod", "--server=https://10.0.0.1:6443", $"--certificate-authority={Path.Combine(dir, "ca.crt")}", "--tls-server-name=kubernetes", "--proxy-url=http://proxy.example:3128"],
            ["config", "set-cluster", "kind", "--server=https://127.0.0.1:40000", "--insecure-skip-tls-verify=true"],
            ["config", "set-credentials", "aws", "--exec-api-version=client.authentication.k8s.io/v1beta1", "--exec-command=aws",
                "--exec-arg=eks,get-token,--cluster-name,prod cluster", "--exec-env=AWS_PROFILE=prod", "--exec-env=NOTE=a value: with colon # and hash",
                "--exec-provide-cluster-info=true"],
            ["config", "set-credentials", "admin", $"--client-certificate={Path.Combine(dir, "admin.crt")}", $"--client-key={Path.Combine(dir, "admin.key")}"],
            ["config", "set", "users.admin.token", "tok'en\"x: a long token with spaces that goes on well beyond eighty columns, to be folded # yes"],
            ["config", "set", "users.admin.username", longPlain],
            ["config", "set-context", "prod", "--cluster=prod", "--user=aws", "--namespace=power"],
            ["config", "set-context", "kind", "--cluster=kind", "--user=admin"],
            ["config", "use-context", "prod"],
        ];
        foreach (var command in commands) (await kubectl.RunArgsAsync(command)).EnsureSuccess();

        var ours = KubeconfigReader.Read(path);
        var theirs = KubernetesClientConfiguration.LoadKubeConfig(path, useRelativePaths: true);

        Assert.Contains("\n      ", File.ReadAllText(path)); // kubectl did fold a long value over two lines
        Assert.Equal(Describe(theirs, dir), Describe(ours.Configuration, null));
        Assert.Equal(longPlain, ours.Configuration.Users.Single(u => u.Name == "admin").UserCredentials.UserName);
        Assert.Equal("http://proxy.example:3128", ours.CurrentProxyUrl);
    }

    [Fact]
    public void Relative_paths_resolve_against_the_files_directory_and_a_command_without_a_slash_stays_on_PATH()
    {
        var path = Write("""
            clusters:
            - name: c
              cluster: {server: "https://c.example", certificate-authority: ../pki/ca.crt}
            users:
            - name: u
              user:
                client-certificate: u.crt
                client-key: /abs/u.key
                tokenFile: tokens/u
                exec: {apiVersion: v1, command: ./bin/plugin}
            - name: v
              user:
                exec: {apiVersion: v1, command: kubelogin}
            contexts: [{name: c, context: {cluster: c, user: u}}]
            current-context: c
            """, "nested/config");
        var nested = Path.Combine(dir, "nested");

        var kubeconfig = KubeconfigReader.Read(path);
        var config = kubeconfig.Configuration;

        Assert.Equal(Path.Combine(dir, "pki", "ca.crt"), config.Clusters.Single().ClusterEndpoint.CertificateAuthority);
        var u = config.Users.First().UserCredentials;
        Assert.Equal(Path.Combine(nested, "u.crt"), u.ClientCertificate);
        Assert.Equal("/abs/u.key", u.ClientKey);
        Assert.Equal(Path.Combine(nested, "bin", "plugin"), u.ExternalExecution.Command);
        Assert.Equal("kubelogin", config.Users.Last().UserCredentials.ExternalExecution.Command);
        Assert.Equal(Path.Combine(nested, "tokens", "u"), kubeconfig.CurrentTokenFile);
        Assert.Equal(path, config.FileName);
    }

    [Fact]
    public void A_JSON_kubeconfig_is_read_too()
    {
        var path = Write("""
            {
              "apiVersion": "v1", "kind": "Config", "current-context": "c",
              "clusters": [{"name": "c", "cluster": {"server": "https://c.example", "insecure-skip-tls-verify": true, "proxy-url": "http://proxy.example:3128"}}],
              "users": [{"name": "u", "user": {"exec": {"apiVersion": "v1", "command": "plugin", "args": ["a", "b c"], "env": [{"name": "K", "value": "V"}], "provideClusterInfo": true}}}],
              "contexts": [{"name": "c", "context": {"cluster": "c", "user": "u", "namespace": "ns"}}]
            }
            """);

        var kubeconfig = KubeconfigReader.Read(path);
        var config = kubeconfig.Configuration;

        Assert.Equal("c", config.CurrentContext);
        Assert.True(config.Clusters.Single().ClusterEndpoint.SkipTlsVerify);
        Assert.Equal("http://proxy.example:3128", kubeconfig.CurrentProxyUrl);
        var exec = config.Users.Single().UserCredentials.ExternalExecution;
        Assert.Equal(["a", "b c"], exec.Arguments);
        Assert.Equal("V", Assert.Single(exec.EnvironmentVariables)["value"]);
        Assert.True(exec.ProvideClusterInfo);
        Assert.Equal("ns", config.Contexts.Single().ContextDetails.Namespace);
    }

    /// <summary>What the reader does not read fails with the file, the line and what it is.</summary>
    [Theory]
    [InlineData("clusters:\n- &c {name: c}\n", 2, "anchors are not supported")]
    [InlineData("base: &b\n  server: x\nother:\n  <<: *b\n", 1, "anchors are not supported")]
    [InlineData("a: b\nc: *b\n", 2, "aliases are not supported")]
    [InlineData("a: !!str b\n", 1, "tags are not supported")]
    [InlineData("a: b\n---\nc: d\n", 2, "several documents in one file are not supported")]
    [InlineData("clusters:\n\t- name: c\n", 2, "tabs are not supported for indentation")]
    [InlineData("%YAML 1.2\n---\na: b\n", 1, "directives")]
    [InlineData("a:\n  b: c\n d: e\n", 3, "unexpected indentation")]
    [InlineData("a: b\na: c\n", 2, "the key \"a\" appears twice")]
    [InlineData("a: [b, c\n", 1, "must close on its line")]
    [InlineData("a: \"open\n", 1, "a quoted value is not closed")]
    [InlineData("a: \"bad \\q\"\n", 1, "unknown escape \\q")]
    [InlineData("? complex\n: key\n", 1, "complex keys")]
    [InlineData("a: |2\n   x\n", 1, "indentation indicators")]
    [InlineData("users:\n- name: u\n  user:\n    token: t\n      extra: x\n", 5, "a key where a value was expected")]
    [InlineData("clusters: {name: c}\n", 1, "clusters must be a list")]
    [InlineData("clusters:\n- cluster: {server: x}\n", 2, "clusters[0] has no name")]
    [InlineData("clusters:\n- name: c\n  cluster:\n    insecure-skip-tls-verify: maybe\n", 4, "insecure-skip-tls-verify must be true or false")]
    [InlineData("users:\n- name: u\n  user:\n    exec:\n      args: x\n", 5, "users[0].user.exec.args must be a list")]
    [InlineData("clusters:\n- name: c\n  cluster: {server: x, proxy-url: 'ftp://p'}\n", 3, "proxy-url must be an http, https or socks5 URL")]
    public void An_unsupported_construct_fails_with_its_line(string text, int line, string message)
    {
        var path = Write(text);

        var error = Assert.Throws<FormatException>(() => KubeconfigReader.Read(path));

        Assert.StartsWith($"kubeconfig {path} line {line}: ", error.Message);
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void An_empty_file_and_a_broken_JSON_file_fail_naming_the_file()
    {
        var empty = Write("# nothing\n", "empty");
        var json = Write("{\"clusters\": [}", "json");

        Assert.Equal($"kubeconfig {empty}: the file is empty", Assert.Throws<FormatException>(() => KubeconfigReader.Read(empty)).Message);
        Assert.StartsWith($"kubeconfig {json}: ", Assert.Throws<FormatException>(() => KubeconfigReader.Read(json)).Message);
    }

    [Fact]
    public void Several_files_merge_as_kubectl_merges_them_first_one_wins_and_missing_ones_are_skipped()
    {
        var first = Write("""
            clusters: [{name: shared, cluster: {server: "https://first.example"}}]
            users: [{name: u, user: {token: first}}]
            contexts: [{name: c, context: {cluster: shared, user: u}}]
            """, "first");
        var second = Write("""
            current-context: c
            clusters: [{name: shared, cluster: {server: "https://second.example"}}, {name: only-second, cluster: {server: "https://2.example"}}]
            users: [{name: u, user: {tokenFile: /second/token}}]
            """, "second");

        var merged = KubeconfigReader.Read([first, Path.Combine(dir, "missing"), second]);

        Assert.Equal("c", merged.Configuration.CurrentContext);
        Assert.Equal(["https://first.example", "https://2.example"], merged.Configuration.Clusters.Select(c => c.ClusterEndpoint.Server));
        Assert.Equal("first", Assert.Single(merged.Configuration.Users).UserCredentials.Token);
        Assert.Null(merged.CurrentTokenFile); // the second file's u lost to the first's, with its tokenFile
    }

    [Fact]
    public void A_proxy_url_is_set_on_the_connection_handler()
    {
        var path = Write("""
            clusters: [{name: c, cluster: {server: "https://c.example", proxy-url: "socks5://127.0.0.1:1080"}}]
            users: [{name: u, user: {token: t}}]
            contexts: [{name: c, context: {cluster: c, user: u}}]
            current-context: c
            """);
        var config = KubernetesConfig.Load(path);
        using var handler = new SocketsHttpHandler();

        config.FirstMessageHandlerSetup(handler);

        Assert.True(handler.UseProxy);
        Assert.Equal(new Uri("socks5://127.0.0.1:1080"), ((WebProxy)handler.Proxy!).Address);
        Assert.Equal(HttpKeepAlivePingPolicy.Always, handler.KeepAlivePingPolicy);
    }

    [Fact]
    public async Task A_relative_tokenFile_is_read_and_wins_over_token()
    {
        Write("from-file\n", "secrets/token");
        var path = Write("""
            clusters: [{name: c, cluster: {server: "http://127.0.0.1:1"}}]
            users: [{name: u, user: {token: inline, tokenFile: secrets/token}}]
            contexts: [{name: c, context: {cluster: c, user: u}}]
            current-context: c
            """);

        var config = KubernetesConfig.Load(path);
        var header = await config.TokenProvider.GetAuthenticationHeaderAsync(TestContext.Current.CancellationToken);

        Assert.Equal("from-file", header.Parameter);
        Assert.Equal(Path.Combine(dir, "secrets", "token"), Assert.IsType<TokenFileCredentials>(config.TokenProvider).Path);
    }

    /// <summary>The fields the operator's path uses, one per line; KubernetesClient's relative paths resolved as it resolves them.</summary>
    private static string Describe(K8SConfiguration config, string? resolveAgainst)
    {
        string? P(string? path) => resolveAgainst is null || string.IsNullOrEmpty(path) || Path.IsPathRooted(path) ? path : Path.GetFullPath(path, resolveAgainst);
        var text = new StringBuilder();
        text.AppendLine($"apiVersion={config.ApiVersion} kind={config.Kind} current={config.CurrentContext}");
        foreach (var c in config.Clusters)
        {
            var e = c.ClusterEndpoint;
            text.AppendLine($"cluster {c.Name}: server={e?.Server} ca={P(e?.CertificateAuthority)} caData={e?.CertificateAuthorityData} skip={e?.SkipTlsVerify} tlsName={e?.TlsServerName}");
        }
        foreach (var u in config.Users)
        {
            var d = u.UserCredentials;
            text.AppendLine($"user {u.Name}: token={d?.Token} cert={P(d?.ClientCertificate)} certData={d?.ClientCertificateData} key={P(d?.ClientKey)} keyData={d?.ClientKeyData} user={d?.UserName} password={d?.Password}");
            if (d?.ExternalExecution is { } x)
            {
                text.AppendLine($"  exec: api={x.ApiVersion} command={x.Command} args=[{string.Join("|", x.Arguments ?? [])}] hint={x.InstallHint} info={x.ProvideClusterInfo}");
                foreach (var env in x.EnvironmentVariables ?? []) text.AppendLine($"  env: {string.Join(",", env.Select(kv => $"{kv.Key}={kv.Value}"))}");
            }
            if (d?.AuthProvider is { } a) text.AppendLine($"  auth-provider {a.Name}: {string.Join(",", (a.Config ?? []).Select(kv => $"{kv.Key}={kv.Value}"))}");
        }
        foreach (var c in config.Contexts)
            text.AppendLine($"context {c.Name}: cluster={c.ContextDetails?.Cluster} user={c.ContextDetails?.User} namespace={c.ContextDetails?.Namespace}");
        return text.ToString();
    }
}
