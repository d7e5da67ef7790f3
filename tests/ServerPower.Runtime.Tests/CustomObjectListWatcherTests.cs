using System.Collections.Concurrent;
using k8s;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ServerPower.Api.Resources;
using ServerPower.Api.Vocabulary;
using ServerPower.Runtime;

namespace ServerPower.Runtime.Tests;

/// <summary>The KubernetesClient list-watcher against a small API stub on 127.0.0.1 speaking the real wire format.</summary>
public sealed class CustomObjectListWatcherTests : IAsyncLifetime
{
    private const string Path = "/apis/power.serverops.io/v1alpha1/namespaces/ns/serverpowers";
    private const string ClusterPath = "/apis/power.serverops.io/v1alpha1/serverpowers";
    private const string EmptyPath = "/apis/power.serverops.io/v1alpha1/namespaces/empty/serverpowers";
    private Kubernetes? client;
    private string? address;
    private readonly ConcurrentQueue<string> queries = new();
    private WebApplication? app;
    private CustomObjectListWatcher<ServerPowerResource>? watcher;
    private CancellationToken Ct => TestContext.Current.CancellationToken;

    internal static string ServerJson(string name, string rv) => $$$"""
        {"apiVersion":"power.serverops.io/v1alpha1","kind":"ServerPower",
         "metadata":{"name":"{{{name}}}","namespace":"ns","resourceVersion":"{{{rv}}}","generation":2,"creationTimestamp":"2026-01-02T03:04:05Z"},
         "spec":{"providerRef":{"name":"acme"},"serverId":"42","state":"Stopped","managementPolicy":"Observe","stop":{"gracePeriod":"5m","onTimeout":"Kill"}},
         "status":{"observedGeneration":2,"powerState":"Running","lastAction":{"type":"Stop","requestTime":"2026-01-02T03:04:06Z","result":"Accepted"},
           "conditions":[{"type":"Ready","status":"False","reason":"Stopping","message":"","lastTransitionTime":"2026-01-02T03:04:07Z","observedGeneration":2}]}}
        """.ReplaceLineEndings("");

    private static string Status(int code, string reason) =>
        $$"""{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"{{reason}}","reason":"{{reason}}","code":{{code}}}""";

    public async ValueTask InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        app = builder.Build();
        app.MapGet(Path, HandleAsync);
        app.MapGet(ClusterPath, HandleClusterAsync);
        app.MapGet(EmptyPath, (HttpContext context) =>
        {
            queries.Enqueue(context.Request.QueryString.Value ?? "");
            context.Response.ContentType = "application/json";
            return context.Response.WriteAsync("null");
        });
        await app.StartAsync(Ct);
        address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        client = new Kubernetes(new KubernetesClientConfiguration { Host = address });
        watcher = new CustomObjectListWatcher<ServerPowerResource>(client, ApiGroup.Group, ApiGroup.Version,
            ApiGroup.ServerPowerPlural, labelSelector: "team=a", pageSize: 1);
    }

    public async ValueTask DisposeAsync()
    {
        if (app is not null) await app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var q = context.Request.Query;
        queries.Enqueue(context.Request.QueryString.Value ?? "");
        context.Response.ContentType = "application/json";
        if (q["watch"] != "true")
        {
            var body = q["continue"] == "c1"
                ? $$"""{"kind":"ServerPowerList","apiVersion":"power.serverops.io/v1alpha1","metadata":{"resourceVersion":"10"},"items":[{{ServerJson("two", "9")}}]}"""
                : $$"""{"kind":"ServerPowerList","apiVersion":"power.serverops.io/v1alpha1","metadata":{"resourceVersion":"10","continue":"c1"},"items":[{{ServerJson("one", "8")}}]}""";
            await context.Response.WriteAsync(body);
            return;
        }
        switch (q["resourceVersion"].ToString())
        {
            case "10":
                await Line(context, $$"""{"type":"ADDED","object":{{ServerJson("three", "11")}}}""");
                await Line(context, """{"type":"BOOKMARK","object":{"kind":"ServerPower","apiVersion":"power.serverops.io/v1alpha1","metadata":{"resourceVersion":"12"}}}""");
                return; // the server's timeoutSeconds elapsed: the stream ends
            case "12":
                await Line(context, $$"""{"type":"ERROR","object":{{Status(410, "Expired")}}}""");
                await Task.Delay(Timeout.Infinite, context.RequestAborted); // stays open: the client must not hang
                return;
            case "13":
                context.Response.StatusCode = 410;
                await context.Response.WriteAsync(Status(410, "Gone"));
                return;
            case "14":
                await Line(context, $$"""{"type":"ERROR","object":{{ServerJson("odd", "15")}}}""");
                return;
            case "16":
                await Line(context, $$"""{"type":"ADDED","object":{{ServerJson("first", "17")}}}""");
                await Task.Delay(Timeout.Infinite, context.RequestAborted); // more may come: stays open
                return;
            default:
                await Line(context, $$"""{"type":"ERROR","object":{{Status(500, "InternalError")}}}""");
                await Task.Delay(Timeout.Infinite, context.RequestAborted);
                return;
        }
    }

    /// <summary>The cluster-wide path: one list page and a watch that sends one event and ends.</summary>
    private async Task HandleClusterAsync(HttpContext context)
    {
        queries.Enqueue("cluster" + context.Request.QueryString.Value);
        context.Response.ContentType = "application/json";
        if (context.Request.Query["watch"] != "true")
        {
            await context.Response.WriteAsync(
                $$"""{"kind":"ServerPowerList","apiVersion":"power.serverops.io/v1alpha1","metadata":{"resourceVersion":"20"},"items":[{{ServerJson("everywhere", "19")}}]}""");
            return;
        }
        await Line(context, $$"""{"type":"MODIFIED","object":{{ServerJson("everywhere", "21")}}}""");
    }

    private static async Task Line(HttpContext context, string json)
    {
        await context.Response.WriteAsync(json + "\n");
        await context.Response.Body.FlushAsync();
    }

    [Fact]
    public async Task Lists_pages_with_the_label_selector_and_deserializes_our_enums_and_times()
    {
        var first = await watcher!.ListAsync("ns", null, Ct);
        var second = await watcher.ListAsync("ns", first.Continue, Ct);

        Assert.Equal("c1", first.Continue);
        Assert.Null(second.Continue);
        Assert.Equal("10", second.ResourceVersion);
        var server = Assert.Single(first.Items);
        Assert.Equal(DesiredPowerState.Stopped, server.Spec.State);
        Assert.Equal(ManagementPolicy.Observe, server.Spec.ManagementPolicy);
        Assert.Equal(StopTimeoutAction.Kill, server.Spec.Stop?.OnTimeout);
        Assert.Equal(PowerState.Running, server.Status?.PowerState);
        Assert.Equal(new DateTimeOffset(2026, 1, 2, 3, 4, 6, TimeSpan.Zero), server.Status?.LastAction?.RequestTime);
        Assert.Equal(new DateTimeOffset(2026, 1, 2, 3, 4, 7, TimeSpan.Zero), server.Status?.Conditions?[0].LastTransitionTime);
        Assert.Contains("labelSelector=team%3Da", queries.First());
        Assert.Contains("limit=1", queries.First());
    }

    [Fact]
    public async Task Watches_from_a_version_with_bookmarks_and_a_server_timeout()
    {
        var events = new List<WatchEvent<ServerPowerResource>>();
        await foreach (var e in watcher!.WatchAsync("ns", "10", TimeSpan.FromSeconds(321), Ct)) events.Add(e);

        Assert.Equal([WatchEventKind.Added, WatchEventKind.Bookmark], events.Select(e => e.Kind));
        Assert.Equal("three", events[0].Object?.Metadata.Name);
        Assert.Equal(PowerState.Running, events[0].Object?.Status?.PowerState);
        Assert.Equal("12", events[1].Object?.Metadata.ResourceVersion);
        var query = Assert.Single(queries);
        foreach (var part in new[] { "watch=true", "resourceVersion=10", "allowWatchBookmarks=true", "timeoutSeconds=321", "labelSelector=team%3Da" })
            Assert.Contains(part, query);
    }

    [Theory]
    [InlineData("12")]
    [InlineData("13")]
    public async Task A_410_becomes_one_expired_event(string version)
    {
        var events = new List<WatchEvent<ServerPowerResource>>();
        await foreach (var e in watcher!.WatchAsync("ns", version, TimeSpan.FromSeconds(300), Ct).WithCancellation(Ct)) events.Add(e);

        var expired = Assert.Single(events);
        Assert.Equal(WatchEventKind.Expired, expired.Kind);
    }

    [Fact]
    public async Task Another_error_status_is_thrown_not_swallowed()
    {
        var error = await Assert.ThrowsAsync<KubernetesException>(async () =>
        {
            await foreach (var _ in watcher!.WatchAsync("ns", "77", TimeSpan.FromSeconds(300), Ct).WithCancellation(Ct))
            {
            }
        });
        Assert.Equal(500, error.Status.Code);
    }

    [Fact]
    public async Task An_error_event_that_carries_no_status_is_thrown_as_an_unexpected_event_type()
    {
        var error = await Assert.ThrowsAsync<KubernetesException>(async () =>
        {
            await foreach (var _ in watcher!.WatchAsync("ns", "14", TimeSpan.FromSeconds(300), Ct).WithCancellation(Ct))
            {
            }
        });
        Assert.Equal("unexpected watch event type Error", error.Message);
    }

    [Fact]
    public async Task A_consumer_that_stops_reading_closes_the_watch_response()
    {
        var responses = new RecordingResponses();
        using var recorded = new Kubernetes(new KubernetesClientConfiguration { Host = address }, responses);
        var stopping = new CustomObjectListWatcher<ServerPowerResource>(recorded, ApiGroup.Group, ApiGroup.Version, ApiGroup.ServerPowerPlural);

        await foreach (var e in stopping.WatchAsync("ns", "16", TimeSpan.FromSeconds(300), Ct))
        {
            Assert.Equal("first", e.Object?.Metadata.Name);
            break;
        }

        Assert.True(Assert.Single(responses.Bodies).Disposed);
    }

    /// <summary>Keeps every response body (so no collection closes one behind the test's back) and sees it disposed.</summary>
    private sealed class RecordingResponses : DelegatingHandler
    {
        public ConcurrentQueue<RecordedBody> Bodies { get; } = new();

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            var body = new RecordedBody(await response.Content.ReadAsStreamAsync(cancellationToken));
            var content = new StreamContent(body);
            foreach (var (name, values) in response.Content.Headers) content.Headers.TryAddWithoutValidation(name, values);
            response.Content = content;
            Bodies.Enqueue(body);
            return response;
        }
    }

    private sealed class RecordedBody(Stream inner) : Stream
    {
        public bool Disposed { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            inner.ReadAsync(buffer, offset, count, cancellationToken);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            inner.ReadAsync(buffer, cancellationToken);

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                Disposed = true;
                inner.Dispose();
            }
            base.Dispose(disposing);
        }
    }

    [Fact]
    public void KubernetesJson_reads_our_resource_as_ApiJson_does()
    {
        var viaKubernetes = KubernetesJson.Deserialize<ServerPowerResource>(ServerJson("one", "1"));
        var viaApi = ServerPower.Api.Serialization.ApiJson.Deserialize<ServerPowerResource>(ServerJson("one", "1"))!;

        Assert.Equal(viaApi.Spec, viaKubernetes.Spec);
        Assert.Equal(viaApi.Status?.LastAction, viaKubernetes.Status?.LastAction);
        Assert.Equal(viaApi.Status?.Conditions?[0], viaKubernetes.Status?.Conditions?[0]);
    }

    [Fact]
    public async Task Every_namespace_is_listed_and_watched_on_the_cluster_wide_path()
    {
        var page = await watcher!.ListAsync(null, null, Ct);
        var events = new List<WatchEvent<ServerPowerResource>>();
        await foreach (var e in watcher.WatchAsync(null, "20", TimeSpan.FromSeconds(60), Ct)) events.Add(e);

        Assert.Equal("everywhere", Assert.Single(page.Items).Metadata.Name);
        Assert.Equal("20", page.ResourceVersion);
        var modified = Assert.Single(events);
        Assert.Equal((WatchEventKind.Modified, "21"), (modified.Kind, modified.Object?.Metadata.ResourceVersion));
        Assert.All(queries, q => Assert.StartsWith("cluster", q));
        Assert.Contains("labelSelector=team%3Da", queries.First());
        Assert.Contains("labelSelector=team%3Da", queries.Last());
        Assert.Contains("allowWatchBookmarks=true", queries.Last());
    }

    [Fact]
    public async Task A_list_answered_with_no_body_is_an_empty_page()
    {
        var page = await watcher!.ListAsync("empty", null, Ct);

        Assert.Empty(page.Items);
        Assert.Equal("", page.ResourceVersion);
        Assert.Null(page.Continue);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public async Task A_blank_label_selector_selects_everything_and_is_not_sent(string? selector)
    {
        var unselected = new CustomObjectListWatcher<ServerPowerResource>(client!, ApiGroup.Group, ApiGroup.Version,
            ApiGroup.ServerPowerPlural, labelSelector: selector);

        var page = await unselected.ListAsync("empty", null, Ct);
        await foreach (var _ in unselected.WatchAsync(null, "20", TimeSpan.FromSeconds(60), Ct))
        {
        }

        Assert.Empty(page.Items);
        Assert.Equal(2, queries.Count);
        Assert.All(queries, q => Assert.DoesNotContain("labelSelector", q));
        Assert.Contains("limit=500", queries.First());
    }
}
