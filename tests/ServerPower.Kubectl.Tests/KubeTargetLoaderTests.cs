using ServerPower.KubectlPower.Cli;
using ServerPower.KubectlPower.Kube;

namespace ServerPower.KubectlPower.Tests;

public sealed class KubeTargetLoaderTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("kubectl-power-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    private string Kubeconfig(string name = "config", string user = "token: from-file", string current = "one") => Write(name, """
        apiVersion: v1
        kind: Config
        clusters:
        - {name: c1, cluster: {server: "https://one.example:6443", insecure-skip-tls-verify: true}}
        - {name: c2, cluster: {server: "https://two.example:6443", insecure-skip-tls-verify: true}}
        users:
        - name: u
          user: {USER}
        contexts:
        - {name: one, context: {cluster: c1, user: u, namespace: team-a}}
        - {name: two, context: {cluster: c2, user: u}}
        current-context: CURRENT
        """.Replace("USER", user).Replace("CURRENT", current));

    private KubeTarget Load(Invocation invocation, string? variable = null) => KubeTargetLoader.Load(invocation, variable, home: dir);

    [Fact]
    public void The_current_context_gives_server_and_namespace_and_n_wins_over_it()
    {
        var file = Kubeconfig();
        var target = Load(new Invocation { Kubeconfig = file });
        Assert.Equal("https://one.example:6443/", target.Configuration.Host.TrimEnd('/') + "/");
        Assert.Equal("team-a", target.Namespace);
        Assert.Equal("from-file", target.Configuration.AccessToken);
        Assert.Equal("mine", Load(new Invocation { Kubeconfig = file, Namespace = "mine" }).Namespace);
    }

    [Fact]
    public void Context_picks_another_context_whose_namespace_defaults_to_default()
    {
        var target = Load(new Invocation { Kubeconfig = Kubeconfig(), Context = "two" });
        Assert.StartsWith("https://two.example:6443", target.Configuration.Host, StringComparison.Ordinal);
        Assert.Equal("default", target.Namespace);
    }

    [Fact]
    public void A_users_tokenFile_is_read_relative_to_the_kubeconfig_which_KubernetesClient_alone_ignores()
    {
        Write("token", "secret-from-token-file\n");
        var target = Load(new Invocation { Kubeconfig = Kubeconfig(user: "tokenFile: token") });
        Assert.Equal("secret-from-token-file", target.Configuration.AccessToken);
    }

    [Fact]
    public void KUBECONFIG_lists_files_that_are_merged_first_one_wins_and_missing_ones_are_skipped()
    {
        var first = Write("first", """
            apiVersion: v1
            kind: Config
            users: [{name: u, user: {token: first-token}}]
            current-context: two
            """);
        var second = Kubeconfig("second", current: "one");
        var variable = string.Join(Path.PathSeparator, Path.Combine(dir, "missing"), first, second);
        var target = Load(new Invocation(), variable);
        Assert.StartsWith("https://two.example:6443", target.Configuration.Host, StringComparison.Ordinal);
        Assert.Equal("first-token", target.Configuration.AccessToken);
    }

    [Fact]
    public void Without_flag_or_KUBECONFIG_the_home_kubeconfig_is_used()
    {
        Directory.CreateDirectory(Path.Combine(dir, ".kube"));
        File.Copy(Kubeconfig(), Path.Combine(dir, ".kube", "config"));
        Assert.Equal("team-a", Load(new Invocation()).Namespace);
    }

    [Fact]
    public void Every_missing_or_broken_configuration_is_one_line()
    {
        string Fails(Invocation invocation, string? variable = null)
        {
            var message = Assert.Throws<CommandException>(() => Load(invocation, variable)).Message;
            Assert.DoesNotContain('\n', message);
            return message;
        }

        Assert.Equal(KubeTargetLoader.NoConfiguration, Fails(new Invocation()));
        Assert.Contains("--kubeconfig file", Fails(new Invocation { Kubeconfig = Path.Combine(dir, "nope") }));
        Assert.Contains("no file named in KUBECONFIG exists", Fails(new Invocation(), Path.Combine(dir, "nope")));
        Assert.Contains("context 'three' is not in the kubeconfig", Fails(new Invocation { Kubeconfig = Kubeconfig(), Context = "three" }));
        Assert.Contains("token file", Fails(new Invocation { Kubeconfig = Kubeconfig(user: "tokenFile: absent") }));
        Assert.StartsWith("cannot load the kubeconfig:", Fails(new Invocation { Kubeconfig = Write("bad", "clusters: [unclosed") }), StringComparison.Ordinal);
    }
}
