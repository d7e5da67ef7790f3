using System.Net;
using System.Text.Json.Nodes;

namespace ServerPower.Sandbox.Tests.Kubernetes;

/// <summary>Custom resources over raw HTTP: the real server's rules and error shapes.</summary>
public sealed class CustomResourceHttpTests : IAsyncLifetime
{
    private const string Widgets = "/apis/sandbox.test.io/v1/namespaces/default/widgets";
    private EmulatorHarness h = null!;

    public async ValueTask InitializeAsync()
    {
        h = await EmulatorHarness.StartAsync();
        await h.InstallTestCrdAsync();
    }

    public async ValueTask DisposeAsync() => await h.DisposeAsync();

    private async Task<JsonObject> CreateAsync(string name, string serverId = "srv-1")
    {
        var reply = await h.SendAsync(HttpMethod.Post, Widgets, EmulatorHarness.Widget(name, serverId));
        Assert.Equal(HttpStatusCode.Created, reply.Status);
        return reply.Body!.AsObject();
    }

    [Fact]
    public async Task Create_sets_system_fields_applies_defaults_and_drops_status()
    {
        var widget = EmulatorHarness.Widget("w1");
        widget["status"] = new JsonObject { ["phase"] = "Hacked" };
        var reply = await h.SendAsync(HttpMethod.Post, Widgets, widget);

        Assert.Equal(HttpStatusCode.Created, reply.Status);
        var meta = reply.Body!["metadata"]!;
        Assert.False(string.IsNullOrEmpty((string?)meta["uid"]));
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", (string)meta["creationTimestamp"]!);
        Assert.Equal(1, (long)meta["generation"]!);
        Assert.False(string.IsNullOrEmpty((string?)meta["resourceVersion"]));
        Assert.Equal("Running", (string?)reply.Body["spec"]!["state"]);
        Assert.Null(reply.Body["status"]);

        var got = await h.SendAsync(HttpMethod.Get, $"{Widgets}/w1");
        Assert.Equal(HttpStatusCode.OK, got.Status);
        Assert.Equal((string?)meta["uid"], (string?)got.Body!["metadata"]!["uid"]);
    }

    [Fact]
    public async Task GenerateName_produces_a_unique_name()
    {
        var widget = EmulatorHarness.Widget("x");
        widget["metadata"]!.AsObject().Remove("name");
        widget["metadata"]!["generateName"] = "gen-";
        var a = await h.SendAsync(HttpMethod.Post, Widgets, widget);
        var b = await h.SendAsync(HttpMethod.Post, Widgets, widget);
        Assert.Equal(HttpStatusCode.Created, a.Status);
        Assert.StartsWith("gen-", (string)a.Body!["metadata"]!["name"]!);
        Assert.NotEqual((string)a.Body["metadata"]!["name"]!, (string)b.Body!["metadata"]!["name"]!);
    }

    [Fact]
    public async Task NotFound_and_AlreadyExists_have_the_real_status_shape()
    {
        var missing = await h.SendAsync(HttpMethod.Get, $"{Widgets}/nope");
        Assert.Equal(HttpStatusCode.NotFound, missing.Status);
        Assert.Equal("""{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"widgets.sandbox.test.io \u0022nope\u0022 not found","reason":"NotFound","details":{"name":"nope","group":"sandbox.test.io","kind":"widgets"},"code":404}""",
            missing.Body!.ToJsonString());

        await CreateAsync("w1");
        var again = await h.SendAsync(HttpMethod.Post, Widgets, EmulatorHarness.Widget("w1"));
        Assert.Equal(HttpStatusCode.Conflict, again.Status);
        Assert.Equal("AlreadyExists", (string?)again.Body!["reason"]);
        Assert.Equal("widgets.sandbox.test.io \"w1\" already exists", (string?)again.Body["message"]);

        var noNamespace = await h.SendAsync(HttpMethod.Post, "/apis/sandbox.test.io/v1/namespaces/ghost/widgets", EmulatorHarness.Widget("w1", ns: "ghost"));
        Assert.Equal(HttpStatusCode.NotFound, noNamespace.Status);
        Assert.Equal("namespaces \"ghost\" not found", (string?)noNamespace.Body!["message"]);
    }

    [Fact]
    public async Task Validation_errors_answer_422_Invalid_with_causes()
    {
        var widget = EmulatorHarness.Widget("bad");
        widget["spec"]!["state"] = "Foo";
        var reply = await h.SendAsync(HttpMethod.Post, Widgets, widget);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, reply.Status);
        Assert.Equal("""{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Widget.sandbox.test.io \u0022bad\u0022 is invalid: [spec.state: Unsupported value: \u0022Foo\u0022: supported values: \u0022Running\u0022, \u0022Stopped\u0022, \u003Cnil\u003E: Invalid value: \u0022null\u0022: some validation rules were not checked because the object was invalid; correct the existing errors to complete validation]","reason":"Invalid","details":{"name":"bad","group":"sandbox.test.io","kind":"Widget","causes":[{"reason":"FieldValueNotSupported","message":"Unsupported value: \u0022Foo\u0022: supported values: \u0022Running\u0022, \u0022Stopped\u0022","field":"spec.state"},{"reason":"FieldValueInvalid","message":"Invalid value: \u0022null\u0022: some validation rules were not checked because the object was invalid; correct the existing errors to complete validation","field":"\u003Cnil\u003E"}]},"code":422}""",
            reply.Body!.ToJsonString());
    }

    private const string RulesNotChecked =
        "some validation rules were not checked because the object was invalid; correct the existing errors to complete validation";

    [Fact]
    public async Task Several_validation_errors_are_listed_in_brackets()
    {
        var widget = EmulatorHarness.Widget("bad", serverId: "Not Valid");
        widget["spec"]!["replicas"] = 11;
        widget["spec"]!["tags"] = new JsonArray("a", "b", "c");
        var reply = await h.SendAsync(HttpMethod.Post, Widgets, widget);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, reply.Status);
        var message = (string)reply.Body!["message"]!;
        Assert.StartsWith("Widget.sandbox.test.io \"bad\" is invalid: [", message);
        Assert.Contains("spec.serverId: Invalid value: \"Not Valid\": spec.serverId in body should match '^[a-z0-9-]+$'", message);
        Assert.Contains("spec.replicas: Invalid value: 11: spec.replicas in body should be less than or equal to 10", message);
        Assert.Contains("spec.tags: Too many: 3: must have at most 2 items", message);
        var fields = reply.Body["details"]!["causes"]!.AsArray().Select(c => (string)c!["field"]!).ToList();
        // The CRD has CEL rules: like kube-apiserver, they are not run while the object has blocking errors, which it says.
        Assert.Equal(["<nil>", "spec.replicas", "spec.serverId", "spec.tags"], fields.Order(StringComparer.Ordinal).ToList());

        var missing = EmulatorHarness.Widget("bad2");
        missing["spec"]!.AsObject().Remove("serverId");
        var required = await h.SendAsync(HttpMethod.Post, Widgets, missing);
        Assert.Equal($"Widget.sandbox.test.io \"bad2\" is invalid: [spec.serverId: Required value, <nil>: Invalid value: \"null\": {RulesNotChecked}]", (string?)required.Body!["message"]);

        var wrongType = EmulatorHarness.Widget("bad3");
        wrongType["spec"]!["replicas"] = "three";
        var typed = await h.SendAsync(HttpMethod.Post, Widgets, wrongType);
        Assert.Equal($"Widget.sandbox.test.io \"bad3\" is invalid: [spec.replicas: Invalid value: \"string\": spec.replicas in body must be of type integer: \"string\", <nil>: Invalid value: \"null\": {RulesNotChecked}]", (string?)typed.Body!["message"]);
    }

    [Fact]
    public async Task The_supported_CEL_subset_is_enforced()
    {
        var widget = EmulatorHarness.Widget("stopped");
        widget["spec"]!["state"] = "Stopped";
        var reply = await h.SendAsync(HttpMethod.Post, Widgets, widget);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, reply.Status);
        Assert.Contains("a stopped widget needs a node", (string)reply.Body!["message"]!);

        widget["spec"]!["node"] = "n1";
        Assert.Equal(HttpStatusCode.Created, (await h.SendAsync(HttpMethod.Post, Widgets, widget)).Status);
    }

    [Fact]
    public async Task Unknown_fields_are_pruned_with_a_warning_or_rejected_when_strict()
    {
        var widget = EmulatorHarness.Widget("w1");
        widget["spec"]!["bogus"] = 1;
        var reply = await h.SendAsync(HttpMethod.Post, Widgets, widget);
        Assert.Equal(HttpStatusCode.Created, reply.Status);
        Assert.Null(reply.Body!["spec"]!["bogus"]);
        Assert.Contains("unknown field \\\"spec.bogus\\\"", string.Join("", reply.Raw.Headers.GetValues("Warning")));

        widget["metadata"]!["name"] = "w2";
        var strict = await h.SendAsync(HttpMethod.Post, $"{Widgets}?fieldValidation=Strict", widget);
        Assert.Equal(HttpStatusCode.BadRequest, strict.Status);
        Assert.Equal("Widget in version \"v1\" cannot be handled as a Widget: strict decoding error: unknown field \"spec.bogus\"", (string?)strict.Body!["message"]);
    }

    [Fact]
    public async Task Update_with_a_stale_resourceVersion_is_a_409_Conflict()
    {
        var created = await CreateAsync("w1");
        var first = created.DeepClone().AsObject();
        first["spec"]!["replicas"] = 1;
        var ok = await h.SendAsync(HttpMethod.Put, $"{Widgets}/w1", first);
        Assert.Equal(HttpStatusCode.OK, ok.Status);

        var stale = created.DeepClone().AsObject();
        stale["spec"]!["replicas"] = 2;
        var conflict = await h.SendAsync(HttpMethod.Put, $"{Widgets}/w1", stale);
        Assert.Equal(HttpStatusCode.Conflict, conflict.Status);
        Assert.Equal("""{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Operation cannot be fulfilled on widgets.sandbox.test.io \u0022w1\u0022: the object has been modified; please apply your changes to the latest version and try again","reason":"Conflict","details":{"name":"w1","group":"sandbox.test.io","kind":"widgets"},"code":409}""",
            conflict.Body!.ToJsonString());

        var noVersion = created.DeepClone().AsObject();
        noVersion["metadata"]!.AsObject().Remove("resourceVersion");
        var invalid = await h.SendAsync(HttpMethod.Put, $"{Widgets}/w1", noVersion);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, invalid.Status);
        Assert.Contains("metadata.resourceVersion: Invalid value: 0x0: must be specified for an update", (string)invalid.Body!["message"]!);
    }

    [Fact]
    public async Task A_patch_carrying_a_stale_resourceVersion_is_a_409_Conflict()
    {
        var created = await CreateAsync("w1");
        var rv = (string)created["metadata"]!["resourceVersion"]!;
        var patch = new JsonObject { ["metadata"] = new JsonObject { ["resourceVersion"] = rv }, ["spec"] = new JsonObject { ["replicas"] = 3 } };
        var ok = await h.SendAsync(HttpMethod.Patch, $"{Widgets}/w1", patch, "application/merge-patch+json");
        Assert.Equal(HttpStatusCode.OK, ok.Status);
        Assert.Equal(3, (int)ok.Body!["spec"]!["replicas"]!);

        var again = await h.SendAsync(HttpMethod.Patch, $"{Widgets}/w1", patch, "application/merge-patch+json");
        Assert.Equal(HttpStatusCode.Conflict, again.Status);
        Assert.Equal("Conflict", (string?)again.Body!["reason"]);

        var jsonPatch = JsonNode.Parse($$"""[{"op":"test","path":"/metadata/resourceVersion","value":"{{rv}}"},{"op":"replace","path":"/spec/replicas","value":4}]""");
        var failedTest = await h.SendAsync(HttpMethod.Patch, $"{Widgets}/w1", jsonPatch, "application/json-patch+json");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, failedTest.Status);
    }

    [Fact]
    public async Task Json_patch_applies_and_strategic_merge_patch_is_415_for_custom_resources()
    {
        await CreateAsync("w1");
        var jsonPatch = JsonNode.Parse("""[{"op":"add","path":"/spec/node","value":"n7"},{"op":"replace","path":"/spec/state","value":"Running"}]""");
        var patched = await h.SendAsync(HttpMethod.Patch, $"{Widgets}/w1", jsonPatch, "application/json-patch+json");
        Assert.Equal(HttpStatusCode.OK, patched.Status);
        Assert.Equal("n7", (string?)patched.Body!["spec"]!["node"]);

        var smp = await h.SendAsync(HttpMethod.Patch, $"{Widgets}/w1", JsonNode.Parse("""{"spec":{"replicas":5}}"""), "application/strategic-merge-patch+json");
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, smp.Status);
        Assert.Equal("the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml",
            (string?)smp.Body!["message"]);
    }

    [Fact]
    public async Task Generation_bumps_on_spec_changes_only()
    {
        await CreateAsync("w1");
        var labelled = await h.SendAsync(HttpMethod.Patch, $"{Widgets}/w1", JsonNode.Parse("""{"metadata":{"labels":{"x":"y"}}}"""), "application/merge-patch+json");
        Assert.Equal(1, (long)labelled.Body!["metadata"]!["generation"]!);

        var status = await h.SendAsync(HttpMethod.Patch, $"{Widgets}/w1/status", JsonNode.Parse("""{"status":{"phase":"On"}}"""), "application/merge-patch+json");
        Assert.Equal(1, (long)status.Body!["metadata"]!["generation"]!);

        var spec = await h.SendAsync(HttpMethod.Patch, $"{Widgets}/w1", JsonNode.Parse("""{"spec":{"replicas":2}}"""), "application/merge-patch+json");
        Assert.Equal(2, (long)spec.Body!["metadata"]!["generation"]!);

        var sameRv = (string)spec.Body["metadata"]!["resourceVersion"]!;
        var noop = await h.SendAsync(HttpMethod.Patch, $"{Widgets}/w1", JsonNode.Parse("""{"spec":{"replicas":2}}"""), "application/merge-patch+json");
        Assert.Equal(sameRv, (string?)noop.Body!["metadata"]!["resourceVersion"]);
    }

    [Fact]
    public async Task Status_is_ignored_on_the_main_resource_and_everything_else_on_status()
    {
        var created = await CreateAsync("w1");
        var put = created.DeepClone().AsObject();
        put["status"] = new JsonObject { ["phase"] = "FromMain" };
        put["spec"]!["replicas"] = 1;
        var main = await h.SendAsync(HttpMethod.Put, $"{Widgets}/w1", put);
        Assert.Equal(HttpStatusCode.OK, main.Status);
        Assert.Null(main.Body!["status"]);
        Assert.Equal(1, (int)main.Body["spec"]!["replicas"]!);

        var statusPatch = JsonNode.Parse("""{"spec":{"replicas":9},"metadata":{"labels":{"sneaky":"yes"}},"status":{"phase":"FromStatus"}}""");
        var status = await h.SendAsync(HttpMethod.Patch, $"{Widgets}/w1/status", statusPatch, "application/merge-patch+json");
        Assert.Equal(HttpStatusCode.OK, status.Status);
        Assert.Equal("FromStatus", (string?)status.Body!["status"]!["phase"]);
        Assert.Equal(1, (int)status.Body["spec"]!["replicas"]!);
        Assert.Null(status.Body["metadata"]!["labels"]!["sneaky"]);

        var invalidStatus = await h.SendAsync(HttpMethod.Patch, $"{Widgets}/w1/status",
            JsonNode.Parse("""{"status":{"conditions":[{"type":"Ready","status":"Maybe"}]}}"""), "application/merge-patch+json");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, invalidStatus.Status);
        Assert.Equal("status.conditions[0].status", (string?)invalidStatus.Body!["details"]!["causes"]![0]!["field"]);
    }

    [Fact]
    public async Task List_supports_selectors_and_paging()
    {
        for (var i = 0; i < 5; i++)
        {
            var w = EmulatorHarness.Widget($"w{i}");
            w["metadata"]!["labels"]!["tier"] = i % 2 == 0 ? "even" : "odd";
            Assert.Equal(HttpStatusCode.Created, (await h.SendAsync(HttpMethod.Post, Widgets, w)).Status);
        }
        var odd = await h.SendAsync(HttpMethod.Get, $"{Widgets}?labelSelector=tier%3Dodd");
        Assert.Equal(["w1", "w3"], odd.Body!["items"]!.AsArray().Select(i => (string)i!["metadata"]!["name"]!).ToList());
        Assert.Equal("WidgetList", (string?)odd.Body["kind"]);

        var notIn = await h.SendAsync(HttpMethod.Get, $"{Widgets}?labelSelector=tier%20notin%20(odd),app");
        Assert.Equal(3, notIn.Body!["items"]!.AsArray().Count);

        var byName = await h.SendAsync(HttpMethod.Get, "/apis/sandbox.test.io/v1/widgets?fieldSelector=metadata.name%3Dw4");
        Assert.Equal("w4", (string?)byName.Body!["items"]![0]!["metadata"]!["name"]);

        var names = new List<string>();
        string? next = null;
        var pages = 0;
        do
        {
            var page = await h.SendAsync(HttpMethod.Get, $"{Widgets}?limit=2" + (next is null ? "" : $"&continue={Uri.EscapeDataString(next)}"));
            names.AddRange(page.Body!["items"]!.AsArray().Select(i => (string)i!["metadata"]!["name"]!));
            next = (string?)page.Body["metadata"]!["continue"];
            pages++;
        }
        while (next is not null);
        Assert.Equal(["w0", "w1", "w2", "w3", "w4"], names);
        Assert.Equal(3, pages);

        var badField = await h.SendAsync(HttpMethod.Get, $"{Widgets}?fieldSelector=spec.state%3DRunning");
        Assert.Equal(HttpStatusCode.BadRequest, badField.Status);
    }

    [Fact]
    public async Task Delete_with_finalizers_marks_then_removes_when_they_are_emptied()
    {
        var widget = EmulatorHarness.Widget("w1");
        widget["metadata"]!["finalizers"] = new JsonArray("sandbox.test.io/cleanup");
        Assert.Equal(HttpStatusCode.Created, (await h.SendAsync(HttpMethod.Post, Widgets, widget)).Status);
        var rv = h.Emulator.CurrentResourceVersion;

        var deleted = await h.SendAsync(HttpMethod.Delete, $"{Widgets}/w1");
        Assert.Equal(HttpStatusCode.OK, deleted.Status);
        Assert.NotNull(deleted.Body!["metadata"]!["deletionTimestamp"]);
        Assert.Equal(0, (int)deleted.Body["metadata"]!["deletionGracePeriodSeconds"]!);
        Assert.Equal(2, (long)deleted.Body["metadata"]!["generation"]!); // custom resources: the deletion bumps it
        Assert.NotNull(h.Emulator.GetObject(TestCrd.Group, TestCrd.Plural, "default", "w1"));

        var addFinalizer = await h.SendAsync(HttpMethod.Patch, $"{Widgets}/w1",
            JsonNode.Parse("""{"metadata":{"finalizers":["sandbox.test.io/cleanup","another"]}}"""), "application/merge-patch+json");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, addFinalizer.Status);

        var emptied = await h.SendAsync(HttpMethod.Patch, $"{Widgets}/w1", JsonNode.Parse("""{"metadata":{"finalizers":null}}"""), "application/merge-patch+json");
        Assert.Equal(HttpStatusCode.OK, emptied.Status);
        Assert.Null(h.Emulator.GetObject(TestCrd.Group, TestCrd.Plural, "default", "w1"));

        var events = await WatchLinesAsync($"{Widgets}?watch=true&resourceVersion={rv}&timeoutSeconds=1");
        Assert.Equal(["MODIFIED", "DELETED"], events.Select(e => (string)e["type"]!).ToList());
        Assert.Equal(HttpStatusCode.NotFound, (await h.SendAsync(HttpMethod.Get, $"{Widgets}/w1")).Status);
    }

    [Fact]
    public async Task Tables_follow_the_printer_columns()
    {
        await CreateAsync("w1");
        await h.SendAsync(HttpMethod.Patch, $"{Widgets}/w1/status",
            JsonNode.Parse("""{"status":{"conditions":[{"type":"Synced","status":"False"},{"type":"Ready","status":"True"}]}}"""), "application/merge-patch+json");
        var table = await h.SendAsync(HttpMethod.Get, Widgets, accept: "application/json;as=Table;v=v1;g=meta.k8s.io,application/json");

        Assert.Equal("Table", (string?)table.Body!["kind"]);
        var columns = table.Body["columnDefinitions"]!.AsArray().Select(c => ((string)c!["name"]!, (int)c["priority"]!)).ToList();
        Assert.Equal([("Name", 0), ("State", 0), ("Ready", 0), ("Node", 1), ("Age", 0)], columns);
        var row = table.Body["rows"]![0]!;
        Assert.Equal("w1", (string?)row["cells"]![0]);
        Assert.Equal("Running", (string?)row["cells"]![1]);
        Assert.Equal("True", (string?)row["cells"]![2]);
        Assert.Null(row["cells"]![3]);
        Assert.Matches(@"^\d+s$", (string)row["cells"]![4]!);
        Assert.Equal("PartialObjectMetadata", (string?)row["object"]!["kind"]);
        Assert.Equal("default", (string?)row["object"]!["metadata"]!["namespace"]);
    }

    [Fact]
    public async Task ApplyYaml_creates_then_updates()
    {
        var yaml = TestCrd.Widget("a") + "\n---\n" + TestCrd.Widget("b");
        Assert.Equal(2, await h.Emulator.ApplyYamlAsync(yaml, cancellationToken: TestContext.Current.CancellationToken));
        Assert.Equal(2, await h.Emulator.ApplyYamlAsync(TestCrd.Widget("a", state: "Stopped", extraSpec: "  node: n\n") + "\n---\n" + TestCrd.Widget("b"), cancellationToken: TestContext.Current.CancellationToken));
        var a = h.Emulator.GetObject(TestCrd.Group, TestCrd.Plural, "default", "a")!;
        Assert.Equal("Stopped", (string?)a["spec"]!["state"]);
        Assert.Equal(2, (long)a["metadata"]!["generation"]!);
        Assert.Equal(1, (long)h.Emulator.GetObject(TestCrd.Group, TestCrd.Plural, "default", "b")!["metadata"]!["generation"]!);
        var refused = await Assert.ThrowsAsync<ServerPower.Sandbox.Kubernetes.Api.KubeApiException>(() =>
            h.Emulator.ApplyYamlAsync(TestCrd.Widget("c", state: "Foo"), cancellationToken: TestContext.Current.CancellationToken));
        Assert.Equal(422, refused.Code);
    }

    private async Task<List<JsonObject>> WatchLinesAsync(string path)
    {
        using var response = await h.Http.GetAsync(path, HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        return text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
    }
}
