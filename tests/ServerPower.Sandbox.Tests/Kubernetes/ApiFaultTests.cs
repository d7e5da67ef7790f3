using System.Net;
using System.Text.Json.Nodes;
using ServerPower.Sandbox.Kubernetes.Faults;
using ServerPower.Sandbox.Kubernetes.Http;

namespace ServerPower.Sandbox.Tests.Kubernetes;

/// <summary>The emulator's scripted faults, seen over raw HTTP: what is answered, what is stored, what is streamed.</summary>
public sealed class ApiFaultTests : IAsyncLifetime
{
    private const string Widgets = "/apis/sandbox.test.io/v1/namespaces/default/widgets";
    private EmulatorHarness h = null!;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        h = await EmulatorHarness.StartAsync();
        await h.InstallTestCrdAsync();
        Assert.Equal(HttpStatusCode.Created, (await h.SendAsync(HttpMethod.Post, Widgets, EmulatorHarness.Widget("w1"))).Status);
    }

    public async ValueTask DisposeAsync() => await h.DisposeAsync();

    private Task<EmulatorHarness.Reply> PatchStatusAsync(string phase) =>
        h.SendAsync(HttpMethod.Patch, $"{Widgets}/w1/status", new JsonObject { ["status"] = new JsonObject { ["phase"] = phase } },
            "application/merge-patch+json");

    private string? StoredPhase() => (string?)h.Emulator.GetObject(TestCrd.Group, TestCrd.Plural, "default", "w1")!["status"]?["phase"];

    [Fact]
    public async Task Too_many_requests_answers_as_priority_and_fairness_does_then_lets_the_next_request_through()
    {
        var fault = h.Emulator.Faults.TooManyRequests("patch", "widgets/status", retryAfterSeconds: 3);

        using var body = new StringContent("""{"status":{"phase":"One"}}""", System.Text.Encoding.UTF8, "application/merge-patch+json");
        using var refused = await h.Http.PatchAsync($"{Widgets}/w1/status", body, Ct);
        var passed = await PatchStatusAsync("Two");

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(3), refused.Headers.RetryAfter?.Delta);
        Assert.Equal("text/plain; charset=utf-8", refused.Content.Headers.ContentType?.ToString());
        Assert.Equal("Too many requests, please try again later.\n", await refused.Content.ReadAsStringAsync(Ct));
        Assert.Equal(HttpStatusCode.OK, passed.Status);
        Assert.Equal("Two", StoredPhase());
        Assert.Equal(1, fault.Hits);
        Assert.False(fault.Active);
    }

    [Fact]
    public async Task Too_many_requests_can_answer_a_Status_with_retryAfterSeconds()
    {
        h.Emulator.Faults.TooManyRequests("patch", "widgets/status", retryAfterSeconds: 2, statusBody: true);

        var refused = await PatchStatusAsync("One");

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.Status);
        Assert.Equal(TimeSpan.FromSeconds(2), refused.Raw.Headers.RetryAfter?.Delta);
        Assert.Equal("TooManyRequests", (string?)refused.Body!["reason"]);
        Assert.Equal(2, (int?)refused.Body["details"]!["retryAfterSeconds"]);
        Assert.Equal(429, (int?)refused.Body["code"]);
        Assert.Null(StoredPhase());
    }

    [Fact]
    public async Task An_internal_error_stores_nothing()
    {
        h.Emulator.Faults.InternalError("patch", "widgets/status");

        var failed = await PatchStatusAsync("One");

        Assert.Equal(HttpStatusCode.InternalServerError, failed.Status);
        Assert.Equal("InternalError", (string?)failed.Body!["reason"]);
        Assert.Equal("Internal error occurred: injected fault", (string?)failed.Body["message"]);
        Assert.Null(StoredPhase());
    }

    [Fact]
    public async Task A_timeout_after_commit_stores_the_change_and_emits_its_event_but_answers_504()
    {
        var rv = h.Emulator.CurrentResourceVersion;
        h.Emulator.Faults.TimeoutAfterCommit("patch", "widgets/status");

        var lost = await PatchStatusAsync("Committed");

        Assert.Equal(HttpStatusCode.GatewayTimeout, lost.Status);
        Assert.Equal("Timeout", (string?)lost.Body!["reason"]);
        Assert.Equal("Timeout: request did not complete within requested timeout - context deadline exceeded", (string?)lost.Body["message"]);
        Assert.Equal("Committed", StoredPhase());
        var events = await WatchLinesAsync($"{Widgets}?watch=true&resourceVersion={rv}&timeoutSeconds=1");
        var modified = Assert.Single(events);
        Assert.Equal("MODIFIED", (string?)modified["type"]);
        Assert.Equal("Committed", (string?)modified["object"]!["status"]!["phase"]);
    }

    [Fact]
    public async Task A_conflict_fault_answers_409_Conflict_and_stores_nothing_until_it_is_removed()
    {
        using (h.Emulator.Faults.Conflict("patch", "widgets/status", times: null))
        {
            Assert.Equal(HttpStatusCode.Conflict, (await PatchStatusAsync("One")).Status);
            Assert.Equal(HttpStatusCode.Conflict, (await PatchStatusAsync("Two")).Status);
            Assert.Null(StoredPhase());
        }

        Assert.Equal(HttpStatusCode.OK, (await PatchStatusAsync("Three")).Status);
        Assert.Equal("Three", StoredPhase());
    }

    [Fact]
    public async Task A_dropped_connection_stores_nothing_and_one_dropped_after_commit_stores_the_change()
    {
        h.Emulator.Faults.DropConnection("patch", "widgets/status");
        await Assert.ThrowsAsync<HttpRequestException>(() => PatchStatusAsync("Before"));
        Assert.Null(StoredPhase());

        h.Emulator.Faults.DropConnection("patch", "widgets/status", afterCommit: true);
        await Assert.ThrowsAsync<HttpRequestException>(() => PatchStatusAsync("After"));
        Assert.Equal("After", StoredPhase());
    }

    [Fact]
    public async Task A_watch_aborted_after_N_events_breaks_mid_stream_and_resumes_from_the_last_version()
    {
        var rv = h.Emulator.CurrentResourceVersion;
        foreach (var phase in new[] { "A", "B", "C" }) Assert.Equal(HttpStatusCode.OK, (await PatchStatusAsync(phase)).Status);
        h.Emulator.Faults.AbortWatch("widgets", afterEvents: 2);

        using var response = await h.Http.GetAsync($"{Widgets}?watch=true&resourceVersion={rv}&timeoutSeconds=5",
            HttpCompletionOption.ResponseHeadersRead, Ct);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(Ct));
        var lines = new List<JsonNode>();
        var broke = await Assert.ThrowsAnyAsync<IOException>(async () =>
        {
            while (await reader.ReadLineAsync(Ct) is { } line) lines.Add(JsonNode.Parse(line)!);
        });

        Assert.NotNull(broke);
        Assert.Equal(["A", "B"], lines.Select(l => (string?)l["object"]!["status"]!["phase"]));
        var last = (string)lines[^1]["object"]!["metadata"]!["resourceVersion"]!;
        var resumed = await WatchLinesAsync($"{Widgets}?watch=true&resourceVersion={last}&timeoutSeconds=1");
        Assert.Equal(["C"], resumed.Select(l => (string?)l["object"]!["status"]!["phase"]));
    }

    [Fact]
    public async Task Rules_match_verb_resource_and_subresource_as_RBAC_names_them_skip_and_last_until_removed()
    {
        var main = h.Emulator.Faults.InternalError("patch", "widgets", times: null);
        Assert.Equal(HttpStatusCode.OK, (await PatchStatusAsync("NotTheMainResource")).Status);
        Assert.Equal(HttpStatusCode.OK, (await h.SendAsync(HttpMethod.Get, $"{Widgets}/w1")).Status);
        main.Dispose();

        using var anyStatus = h.Emulator.Faults.Add(new ApiFaultRule(ApiFaultKind.InternalError, "get,patch", "*/status") { Skip = 1, Times = null });
        Assert.Equal(HttpStatusCode.OK, (await PatchStatusAsync("Skipped")).Status);
        Assert.Equal(HttpStatusCode.InternalServerError, (await PatchStatusAsync("Hit")).Status);
        Assert.Equal(HttpStatusCode.InternalServerError, (await PatchStatusAsync("HitAgain")).Status);
        Assert.Equal((3, 2), (anyStatus.Seen, anyStatus.Hits));
        Assert.True(anyStatus.Active);

        anyStatus.Dispose();
        Assert.Equal(HttpStatusCode.OK, (await PatchStatusAsync("Removed")).Status);
        Assert.Equal("Removed", StoredPhase());
    }

    [Fact]
    public async Task A_hung_request_is_never_answered()
    {
        h.Emulator.Faults.Hang("get", "widgets");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromMilliseconds(500));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => h.Http.GetAsync($"{Widgets}/w1", timeout.Token));
        Assert.Equal(HttpStatusCode.OK, (await h.SendAsync(HttpMethod.Get, $"{Widgets}/w1")).Status);
    }

    [Fact]
    public async Task Requests_are_counted_by_verb_subresource_and_field_manager_and_writes_record_managed_fields()
    {
        h.Emulator.ResetRequestCounts();
        await h.SendAsync(HttpMethod.Get, Widgets);
        await h.SendAsync(HttpMethod.Get, $"{Widgets}/w1");
        var patched = await h.SendAsync(HttpMethod.Patch, $"{Widgets}/w1/status?fieldManager=phase-writer",
            JsonNode.Parse("""{"status":{"phase":"Managed"}}"""), "application/merge-patch+json");
        await WatchLinesAsync($"{Widgets}?watch=true&resourceVersion={h.Emulator.CurrentResourceVersion}&timeoutSeconds=1");

        Assert.Equal(1, h.Emulator.CountRequests("widgets", "", "list"));
        Assert.Equal(1, h.Emulator.CountRequests("widgets", "", "get"));
        Assert.Equal(1, h.Emulator.CountRequests("widgets", "", "watch"));
        Assert.Equal(1, h.Emulator.CountRequests("widgets", "status", "patch", "phase-writer"));
        Assert.Equal(0, h.Emulator.CountRequests(fieldManager: "someone-else"));
        var entries = patched.Body!["metadata"]!["managedFields"]!.AsArray().Select(e => e!.AsObject()).ToList();
        var status = Assert.Single(entries, e => (string?)e["manager"] == "phase-writer");
        Assert.Equal("Update", (string?)status["operation"]);
        Assert.Equal("status", (string?)status["subresource"]);
        Assert.Equal(TestCrd.ApiVersion, (string?)status["apiVersion"]);
        // The create above named no manager: the server takes the User-Agent's product (here: none sent).
        Assert.Equal(["unknown", "phase-writer"], ManagedFields.Managers(h.Emulator.GetObject(TestCrd.Group, TestCrd.Plural, "default", "w1")!));
    }

    private async Task<List<JsonObject>> WatchLinesAsync(string path)
    {
        using var response = await h.Http.GetAsync(path, HttpCompletionOption.ResponseHeadersRead, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        return text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
    }
}
