using System.Text.Json.Nodes;

namespace ServerPower.Sandbox.Tests.Kubernetes;

/// <summary>The real kubectl binary against the emulator.</summary>
public sealed class KubectlTests : IAsyncLifetime
{
    private EmulatorHarness h = null!;

    public async ValueTask InitializeAsync()
    {
        Assert.SkipUnless(Kubectl.Available, "kubectl is not on the PATH");
        h = await EmulatorHarness.StartAsync();
        var crd = await WriteAsync("crd.yaml", TestCrd.Yaml);
        var applied = await h.Kubectl.MustAsync($"apply -f {crd}");
        Assert.Contains("customresourcedefinition.apiextensions.k8s.io/widgets.sandbox.test.io created", applied.StdOut);
        await h.Kubectl.MustAsync("wait --for=condition=Established crd/widgets.sandbox.test.io --timeout=60s");
    }

    public async ValueTask DisposeAsync()
    {
        if (h is not null) await h.DisposeAsync();
    }

    private async Task<string> WriteAsync(string name, string content)
    {
        var path = Path.Combine(h.Dir, name);
        await File.WriteAllTextAsync(path, content, TestContext.Current.CancellationToken);
        return path;
    }

    [Fact]
    public async Task Apply_is_idempotent_and_get_shows_the_printer_columns()
    {
        var file = await WriteAsync("w1.yaml", TestCrd.Widget("w1", extraSpec: "  node: node-7\n"));
        Assert.Contains("widget.sandbox.test.io/w1 created", (await h.Kubectl.MustAsync($"apply -f {file}")).StdOut);
        var rv = (string)h.Emulator.GetObject(TestCrd.Group, TestCrd.Plural, "default", "w1")!["metadata"]!["resourceVersion"]!;
        Assert.Contains("widget.sandbox.test.io/w1 unchanged", (await h.Kubectl.MustAsync($"apply -f {file}")).StdOut);
        Assert.Equal(rv, (string?)h.Emulator.GetObject(TestCrd.Group, TestCrd.Plural, "default", "w1")!["metadata"]!["resourceVersion"]);

        await h.SendAsync(HttpMethod.Patch, "/apis/sandbox.test.io/v1/namespaces/default/widgets/w1/status",
            JsonNode.Parse("""{"status":{"conditions":[{"type":"Ready","status":"True"}]}}"""), "application/merge-patch+json");

        var plain = (await h.Kubectl.MustAsync("get wdg")).StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Matches(@"^NAME\s+STATE\s+READY\s+AGE$", plain[0]);
        Assert.Matches(@"^w1\s+Running\s+True\s+\d+s$", plain[1]);

        var wide = (await h.Kubectl.MustAsync("get widgets -o wide")).StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Matches(@"^NAME\s+STATE\s+READY\s+NODE\s+AGE$", wide[0]);
        Assert.Matches(@"^w1\s+Running\s+True\s+node-7\s+\d+s$", wide[1]);

        var all = (await h.Kubectl.MustAsync("get testing -A")).StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Matches(@"^NAMESPACE\s+NAME\s+STATE\s+READY\s+AGE$", all[0]);
        Assert.Matches(@"^default\s+w1\s+Running\s+True\s+\d+s$", all[1]);

        var jsonPath = await h.Kubectl.MustAsync("get widget w1 -o jsonpath={.spec.state}/{.metadata.generation}");
        Assert.Equal("Running/1", jsonPath.StdOut);
    }

    [Fact]
    public async Task Explain_documents_the_schema()
    {
        var explain = (await h.Kubectl.MustAsync("explain widget.spec")).StdOut;
        Assert.Contains("KIND:       Widget", explain);
        Assert.Contains("WidgetSpec is the desired state of a Widget.", explain);
        Assert.Contains("serverId\t<string> -required-", explain);
        Assert.Contains("The provider's id for the server.", explain);
        Assert.Contains("enum: Running, Stopped", explain);

        var field = (await h.Kubectl.MustAsync("explain widgets.spec.state")).StdOut;
        Assert.Contains("Desired power state.", field);

        var recursive = (await h.Kubectl.MustAsync("explain widget --recursive")).StdOut;
        Assert.Contains("conditions", recursive);
    }

    [Fact]
    public async Task Invalid_and_unknown_fields_are_refused_as_the_real_server_does()
    {
        var bad = await WriteAsync("bad.yaml", TestCrd.Widget("bad", state: "Foo"));
        var invalid = await h.Kubectl.TryAsync($"apply -f {bad}");
        Assert.NotEqual(0, invalid.ExitCode);
        Assert.Contains("The Widget \"bad\" is invalid: \n* spec.state: Unsupported value: \"Foo\": supported values: \"Running\", \"Stopped\"\n* <nil>: Invalid value: \"null\": some validation rules were not checked", invalid.StdErr);

        var unknown = await WriteAsync("unknown.yaml", TestCrd.Widget("unknown", extraSpec: "  bogus: 1\n"));
        var strict = await h.Kubectl.TryAsync($"apply -f {unknown}");
        Assert.NotEqual(0, strict.ExitCode);
        Assert.Contains("unknown field \"spec.bogus\"", strict.StdErr);
    }

    [Fact]
    public async Task Patch_annotate_wait_and_delete_with_a_finalizer()
    {
        var file = await WriteAsync("w1.yaml", TestCrd.Widget("w1"));
        await h.Kubectl.MustAsync($"apply -f {file}");

        await h.Kubectl.MustArgsAsync(["patch", "widget", "w1", "--type=merge", "-p", """{"spec":{"state":"Stopped","node":"n1"}}"""]);
        await h.Kubectl.MustAsync("annotate widget w1 sandbox.test.io/restart=token-1");
        var obj = h.Emulator.GetObject(TestCrd.Group, TestCrd.Plural, "default", "w1")!;
        Assert.Equal("Stopped", (string?)obj["spec"]!["state"]);
        Assert.Equal(2, (long)obj["metadata"]!["generation"]!);
        Assert.Equal("token-1", (string?)obj["metadata"]!["annotations"]!["sandbox.test.io/restart"]);

        var strategic = await h.Kubectl.RunArgsAsync(["patch", "widget", "w1", "-p", """{"spec":{"replicas":1}}"""]);
        Assert.NotEqual(0, strategic.ExitCode);
        Assert.Contains("the body of the request was in an unknown format", strategic.StdErr);

        var waiting = h.Kubectl.TryAsync("wait --for=condition=Ready widget/w1 --timeout=60s");
        await h.SendAsync(HttpMethod.Patch, "/apis/sandbox.test.io/v1/namespaces/default/widgets/w1/status",
            JsonNode.Parse("""{"status":{"conditions":[{"type":"Ready","status":"True"}]}}"""), "application/merge-patch+json");
        var waited = await waiting;
        Assert.True(waited.ExitCode == 0, waited.ToString());
        Assert.Contains("widget.sandbox.test.io/w1 condition met", waited.StdOut);

        await h.Kubectl.MustArgsAsync(["patch", "widget", "w1", "--type=merge", "-p", """{"metadata":{"finalizers":["sandbox.test.io/cleanup"]}}"""]);
        await h.Kubectl.MustAsync("delete widget w1 --wait=false");
        Assert.NotNull(h.Emulator.GetObject(TestCrd.Group, TestCrd.Plural, "default", "w1")!["metadata"]!["deletionTimestamp"]);

        var deleting = h.Kubectl.TryAsync("wait --for=delete widget/w1 --timeout=60s");
        await h.Kubectl.MustArgsAsync(["patch", "widget", "w1", "--type=json", "-p", """[{"op":"remove","path":"/metadata/finalizers"}]"""]);
        var deleted = await deleting;
        Assert.True(deleted.ExitCode == 0, deleted.ToString());

        var gone = await h.Kubectl.TryAsync("get widget w1");
        Assert.Contains("Error from server (NotFound): widgets.sandbox.test.io \"w1\" not found", gone.StdErr);
    }

    [Fact]
    public async Task Namespaces_and_secrets()
    {
        await h.Kubectl.MustAsync("create namespace team-a");
        await h.Kubectl.MustAsync("create secret generic creds -n team-a --from-literal=token=abc --from-literal=user=me");
        var secrets = (await h.Kubectl.MustAsync("get secrets -n team-a")).StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Matches(@"^NAME\s+TYPE\s+DATA\s+AGE$", secrets[0]);
        Assert.Matches(@"^creds\s+Opaque\s+2\s+\d+s$", secrets[1]);
        var token = await h.Kubectl.MustAsync("get secret creds -n team-a -o jsonpath={.data.token}");
        Assert.Equal("YWJj", token.StdOut);

        var manifest = await WriteAsync("secret.yaml", """
            apiVersion: v1
            kind: Secret
            metadata:
              name: applied
              namespace: team-a
            stringData:
              key: value
            """);
        await h.Kubectl.MustAsync($"apply -f {manifest}");
        var rv = (string?)h.Emulator.GetObject("", "secrets", "team-a", "applied")!["metadata"]!["resourceVersion"];
        // kubectl reports stringData secrets as "configured" on every apply (as with a real server); nothing changes.
        await h.Kubectl.MustAsync($"apply -f {manifest}");
        Assert.Equal(rv, (string?)h.Emulator.GetObject("", "secrets", "team-a", "applied")!["metadata"]!["resourceVersion"]);

        var namespaces = (await h.Kubectl.MustAsync("get ns team-a")).StdOut;
        Assert.Matches(@"team-a\s+Active", namespaces);
        await h.Kubectl.MustAsync("delete namespace team-a --timeout=60s");
        Assert.Empty(h.Emulator.ListObjects("", "secrets", "team-a"));
        Assert.Null(h.Emulator.GetObject("", "namespaces", null, "team-a"));
    }

    [Fact]
    public async Task Server_side_apply_and_watching_a_table()
    {
        var file = await WriteAsync("w2.yaml", TestCrd.Widget("w2"));
        var applied = await h.Kubectl.MustAsync($"apply --server-side -f {file}");
        Assert.Contains("widget.sandbox.test.io/w2 serverside-applied", applied.StdOut);
        Assert.NotNull(h.Emulator.GetObject(TestCrd.Group, TestCrd.Plural, "default", "w2"));

        var watched = await h.Kubectl.TryAsync("get widgets -w --request-timeout=2s");
        Assert.Matches(@"w2\s+Running", watched.StdOut);
    }
}
