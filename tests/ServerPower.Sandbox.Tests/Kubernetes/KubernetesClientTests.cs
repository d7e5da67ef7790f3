using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.LeaderElection;
using k8s.LeaderElection.ResourceLock;
using k8s.Models;

namespace ServerPower.Sandbox.Tests.Kubernetes;

/// <summary>The calls the operator makes with KubernetesClient 21, against the emulator.</summary>
public sealed class KubernetesClientTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<EmulatorHarness> StartAsync(Action<ServerPower.Sandbox.Kubernetes.KubeApiEmulatorOptions>? configure = null)
    {
        var h = await EmulatorHarness.StartAsync(configure);
        await h.InstallTestCrdAsync();
        return h;
    }

    private static async Task CreateWidgetAsync(IKubernetes client, string name) =>
        await client.CustomObjects.CreateNamespacedCustomObjectAsync(
            EmulatorHarness.Widget(name), TestCrd.Group, "v1", "default", TestCrd.Plural, cancellationToken: Ct);

    [Fact]
    public async Task List_then_watch_resumes_from_a_resourceVersion()
    {
        await using var h = await StartAsync();
        using var client = h.Client();
        await CreateWidgetAsync(client, "a");
        var list = (JsonElement)await client.CustomObjects.ListNamespacedCustomObjectAsync(TestCrd.Group, "v1", "default", TestCrd.Plural, cancellationToken: Ct);
        var listRv = list.GetProperty("metadata").GetProperty("resourceVersion").GetString();
        Assert.Equal(1, list.GetProperty("items").GetArrayLength());

        await CreateWidgetAsync(client, "b");
        await client.CustomObjects.PatchNamespacedCustomObjectAsync(new V1Patch("""{"spec":{"replicas":2}}""", V1Patch.PatchType.MergePatch),
            TestCrd.Group, "v1", "default", TestCrd.Plural, "a", cancellationToken: Ct);

        var seen = new List<(WatchEventType, string, string)>();
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        cts.CancelAfter(TimeSpan.FromMinutes(1));
#pragma warning disable CS0618 // The list-with-watch call is the only one that can resume from a resourceVersion.
        var response = client.CustomObjects.ListNamespacedCustomObjectWithHttpMessagesAsync(TestCrd.Group, "v1", "default", TestCrd.Plural,
            resourceVersion: listRv, watch: true, timeoutSeconds: 30, cancellationToken: cts.Token);
        await foreach (var (type, obj) in response.WatchAsync<JsonElement, object>(e => throw e, cts.Token))
#pragma warning restore CS0618
        {
            var meta = obj.GetProperty("metadata");
            seen.Add((type, meta.GetProperty("name").GetString()!, meta.GetProperty("resourceVersion").GetString()!));
            if (seen.Count == 2) break;
        }
        Assert.Equal([(WatchEventType.Added, "b"), (WatchEventType.Modified, "a")], seen.Select(s => (s.Item1, s.Item2)).ToList());

        // Resume after the first event: only the second one comes again.
        var resumed = new List<string>();
#pragma warning disable CS0618
        var again = client.CustomObjects.ListNamespacedCustomObjectWithHttpMessagesAsync(TestCrd.Group, "v1", "default", TestCrd.Plural,
            resourceVersion: seen[0].Item3, watch: true, timeoutSeconds: 30, cancellationToken: cts.Token);
        await foreach (var (type, obj) in again.WatchAsync<JsonElement, object>(e => throw e, cts.Token))
#pragma warning restore CS0618
        {
            resumed.Add($"{type}:{obj.GetProperty("metadata").GetProperty("name").GetString()}");
            break;
        }
        Assert.Equal(["Modified:a"], resumed);
    }

    [Fact]
    public async Task A_too_old_resourceVersion_reaches_onError_as_410_Expired()
    {
        await using var h = await StartAsync(o => o.WatchEventWindow = 3);
        using var client = h.Client();
        for (var i = 0; i < 6; i++)
        {
            await CreateWidgetAsync(client, $"w{i}");
        }
        Exception? error = null;
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        cts.CancelAfter(TimeSpan.FromMinutes(1));
#pragma warning disable CS0618
        var response = client.CustomObjects.ListNamespacedCustomObjectWithHttpMessagesAsync(TestCrd.Group, "v1", "default", TestCrd.Plural,
            resourceVersion: "2", watch: true, timeoutSeconds: 5, cancellationToken: cts.Token);
        await foreach (var _ in response.WatchAsync<JsonElement, object>(e => error = e, cts.Token))
#pragma warning restore CS0618
        {
            Assert.Fail("no event may come before the error");
        }
        var status = Assert.IsType<KubernetesException>(error).Status;
        Assert.Equal(410, status.Code);
        Assert.Equal("Expired", status.Reason);
        Assert.StartsWith("too old resource version: 2 (", status.Message);

        // The raw stream: HTTP 200 whose first line is an ERROR event carrying the Status.
        var raw = await h.Http.GetStringAsync("/apis/sandbox.test.io/v1/widgets?watch=true&resourceVersion=2", Ct);
        var line = JsonNode.Parse(raw.Split('\n')[0])!;
        Assert.Equal("ERROR", (string?)line["type"]);
        Assert.Equal(410, (int)line["object"]!["code"]!);
    }

    [Fact]
    public async Task Watch_from_zero_starts_with_ADDED_sends_bookmarks_and_ends_at_timeoutSeconds()
    {
        await using var h = await StartAsync(o => o.BookmarkInterval = TimeSpan.FromMilliseconds(200));
        using var client = h.Client();
        await CreateWidgetAsync(client, "a");
        var events = new List<WatchEventType>();
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        cts.CancelAfter(TimeSpan.FromMinutes(1));
#pragma warning disable CS0618
        var response = client.CustomObjects.ListClusterCustomObjectWithHttpMessagesAsync(TestCrd.Group, "v1", TestCrd.Plural,
            resourceVersion: "0", allowWatchBookmarks: true, watch: true, timeoutSeconds: 2, cancellationToken: cts.Token);
        await foreach (var (type, _) in response.WatchAsync<JsonElement, object>(e => throw e, cts.Token))
#pragma warning restore CS0618
        {
            events.Add(type);
        }
        // The loop ended by itself: the server closed the stream after timeoutSeconds.
        Assert.False(cts.IsCancellationRequested);
        Assert.Equal(WatchEventType.Added, events[0]);
        Assert.Contains(WatchEventType.Bookmark, events);
    }

    [Fact]
    public async Task A_label_selected_watch_sees_an_object_leave_as_DELETED()
    {
        await using var h = await StartAsync();
        await h.SendAsync(HttpMethod.Post, "/apis/sandbox.test.io/v1/namespaces/default/widgets", EmulatorHarness.Widget("a"));
        var rv = h.Emulator.CurrentResourceVersion;
        await h.SendAsync(HttpMethod.Patch, "/apis/sandbox.test.io/v1/namespaces/default/widgets/a",
            JsonNode.Parse("""{"metadata":{"labels":{"app":"other"}}}"""), "application/merge-patch+json");
        var raw = await h.Http.GetStringAsync($"/apis/sandbox.test.io/v1/namespaces/default/widgets?watch=1&labelSelector=app%3Ddemo&resourceVersion={rv}&timeoutSeconds=1", Ct);
        var types = raw.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => (string)JsonNode.Parse(l)!["type"]!).ToList();
        Assert.Equal(["DELETED"], types);
    }

    [Fact]
    public async Task Status_merge_patch_and_write_counts()
    {
        await using var h = await StartAsync();
        using var client = h.Client();
        await CreateWidgetAsync(client, "a");
        h.Emulator.ResetWriteCounts();
        var patch = new V1Patch("""{"status":{"observedGeneration":1,"conditions":[{"type":"Ready","status":"True"}]}}""", V1Patch.PatchType.MergePatch);
        var result = (JsonElement)await client.CustomObjects.PatchNamespacedCustomObjectStatusAsync(patch, TestCrd.Group, "v1", "default", TestCrd.Plural, "a", cancellationToken: Ct);
        Assert.Equal("True", result.GetProperty("status").GetProperty("conditions")[0].GetProperty("status").GetString());
        Assert.Equal(1, h.Emulator.CountWrites(TestCrd.Plural, "status", "patch"));
        Assert.Equal(0, h.Emulator.CountWrites(TestCrd.Plural, ""));
        var stored = h.Emulator.GetObject(TestCrd.Group, TestCrd.Plural, "default", "a")!;
        Assert.Equal(1, (int)stored["status"]!["observedGeneration"]!);

        var ssa = new V1Patch("""{"apiVersion":"sandbox.test.io/v1","kind":"Widget","metadata":{"name":"b","namespace":"default"},"spec":{"serverId":"s-2"}}""", V1Patch.PatchType.ApplyPatch);
        var applied = (JsonElement)await client.CustomObjects.PatchNamespacedCustomObjectAsync(ssa, TestCrd.Group, "v1", "default", TestCrd.Plural, "b", fieldManager: "test", cancellationToken: Ct);
        Assert.Equal("s-2", applied.GetProperty("spec").GetProperty("serverId").GetString());
    }

    [Fact]
    public async Task Lease_update_with_a_stale_resourceVersion_is_a_conflict()
    {
        await using var h = await StartAsync();
        using var client = h.Client();
        var lease = new V1Lease { Metadata = new V1ObjectMeta { Name = "leader", NamespaceProperty = "default" }, Spec = new V1LeaseSpec { HolderIdentity = "a", LeaseDurationSeconds = 15 } };
        var created = await client.CoordinationV1.CreateNamespacedLeaseAsync(lease, "default", cancellationToken: Ct);
        created.Spec.HolderIdentity = "b";
        var updated = await client.CoordinationV1.ReplaceNamespacedLeaseAsync(created, "leader", "default", cancellationToken: Ct);
        Assert.Equal("b", updated.Spec.HolderIdentity);

        created.Spec.HolderIdentity = "c";
        var conflict = await Assert.ThrowsAsync<HttpOperationException>(() => client.CoordinationV1.ReplaceNamespacedLeaseAsync(created, "leader", "default", cancellationToken: Ct));
        Assert.Equal(HttpStatusCode.Conflict, conflict.Response.StatusCode);
        var again = await Assert.ThrowsAsync<HttpOperationException>(() => client.CoordinationV1.CreateNamespacedLeaseAsync(lease, "default", cancellationToken: Ct));
        Assert.Equal(HttpStatusCode.Conflict, again.Response.StatusCode);
    }

    [Fact]
    public async Task LeaderElector_acquires_a_lease()
    {
        await using var h = await StartAsync();
        using var client = h.Client();
        var elector = new LeaderElector(new LeaderElectionConfig(new LeaseLock(client, "default", "operator-lock", "pod-1"))
        {
            LeaseDuration = TimeSpan.FromSeconds(15),
            RenewDeadline = TimeSpan.FromSeconds(10),
            RetryPeriod = TimeSpan.FromSeconds(1),
        });
        var leading = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        elector.OnStartedLeading += () => leading.TrySetResult();
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var run = elector.RunUntilLeadershipLostAsync(cts.Token);
        await leading.Task.WaitAsync(TimeSpan.FromMinutes(1), Ct);
        var stored = await client.CoordinationV1.ReadNamespacedLeaseAsync("operator-lock", "default", cancellationToken: Ct);
        Assert.Equal("pod-1", stored.Spec.HolderIdentity);
        await cts.CancelAsync();
        try
        {
            await run.WaitAsync(TimeSpan.FromMinutes(1), Ct);
        }
        catch (OperationCanceledException)
        {
            // Either ending is fine: the elector stops when its token is cancelled.
        }
    }

    [Fact]
    public async Task Secrets_and_events()
    {
        await using var h = await StartAsync();
        using var client = h.Client();
        await client.CoreV1.CreateNamespacedSecretAsync(new V1Secret
        {
            Metadata = new V1ObjectMeta { Name = "creds" },
            StringData = new Dictionary<string, string> { ["token"] = "s3cret" },
        }, "default", cancellationToken: Ct);
        var secret = await client.CoreV1.ReadNamespacedSecretAsync("creds", "default", cancellationToken: Ct);
        Assert.Equal("s3cret", System.Text.Encoding.UTF8.GetString(secret.Data["token"]));
        Assert.Equal("Opaque", secret.Type);
        var missing = await Assert.ThrowsAsync<HttpOperationException>(() => client.CoreV1.ReadNamespacedSecretAsync("nope", "default", cancellationToken: Ct));
        Assert.Equal(HttpStatusCode.NotFound, missing.Response.StatusCode);

        var core = await client.CoreV1.CreateNamespacedEventAsync(new Corev1Event
        {
            Metadata = new V1ObjectMeta { GenerateName = "a." },
            InvolvedObject = new V1ObjectReference { Kind = "Widget", Name = "a", NamespaceProperty = "default" },
            Reason = "Started", Message = "started", Type = "Normal",
        }, "default", cancellationToken: Ct);
        Assert.StartsWith("a.", core.Metadata.Name);
        var modern = await client.EventsV1.CreateNamespacedEventAsync(new Eventsv1Event
        {
            Metadata = new V1ObjectMeta { Name = "b.1" },
            EventTime = DateTime.UtcNow, ReportingController = "test", ReportingInstance = "test-1", Action = "Start",
            Regarding = new V1ObjectReference { Kind = "Widget", Name = "a" }, Reason = "Started", Type = "Normal",
        }, "default", cancellationToken: Ct);
        Assert.Equal("b.1", modern.Metadata.Name);
        var list = await client.CoreV1.ListNamespacedEventAsync("default", fieldSelector: "involvedObject.name=a", cancellationToken: Ct);
        Assert.Single(list.Items);
    }

    [Fact]
    public async Task Many_objects_and_a_watcher_that_sees_every_event()
    {
        await using var h = await StartAsync();
        const int count = 2000;
        var rv = h.Emulator.CurrentResourceVersion;
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = Ct }, async (i, ct) =>
        {
            var reply = await h.SendAsync(HttpMethod.Post, $"/apis/sandbox.test.io/v1/namespaces/default/widgets", EmulatorHarness.Widget($"w{i}"));
            Assert.Equal(HttpStatusCode.Created, reply.Status);
        });
        Assert.Equal(count, h.Emulator.ListObjects(TestCrd.Group, TestCrd.Plural).Count);
        var raw = await h.Http.GetStringAsync($"/apis/sandbox.test.io/v1/widgets?watch=true&resourceVersion={rv}&timeoutSeconds=1", Ct);
        Assert.Equal(count, raw.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        var page = await h.SendAsync(HttpMethod.Get, "/apis/sandbox.test.io/v1/namespaces/default/widgets?limit=500");
        Assert.Equal(500, page.Body!["items"]!.AsArray().Count);
    }
}
