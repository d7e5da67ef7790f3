using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using ServerPower.Api.Resources;
using ServerPower.Runtime;

namespace ServerPower.Runtime.Tests;

public sealed class InformerTests
{
    private readonly FakeTimeProvider time = new();
    private readonly FakeListWatcher<ServerPowerResource> server = new();
    private readonly RecordingHandler handler = new();
    private CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly InformerOptions Fixed = new()
    {
        MinWatchTimeout = TimeSpan.FromSeconds(10),
        MaxWatchTimeout = TimeSpan.FromSeconds(10),
        WatchdogMargin = TimeSpan.FromSeconds(5),
    };

    private readonly LogCapture logs = new();

    private Informer<ServerPowerResource> Start(InformerOptions? options, out Task run, CancellationToken token,
        double random = 0, TimeProvider? clock = null)
    {
        var informer = new Informer<ServerPowerResource>("ServerPower", server, options ?? Fixed, logs.CreateLogger("Informer"),
            clock ?? time, new FixedRandom(random));
        informer.AddHandler(handler);
        run = informer.RunAsync(token);
        return informer;
    }

    [Fact]
    public async Task The_store_reflects_list_add_update_and_delete_and_handlers_are_called()
    {
        server.ListResult = (_, _) => new([Resources.Server("ns", "one", "5")], "10", null);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var informer = Start(null, out var run, cts.Token);
        await informer.Synced.WaitAsync(Eventually.Deadline, Ct);
        await Eventually.Until(() => server.Watches.Count == 1, "watch started");
        var watch = server.Watch(0);
        Assert.Equal("10", watch.ResourceVersion);
        Assert.Equal(TimeSpan.FromSeconds(10), watch.Timeout);

        watch.Send(WatchEventKind.Added, Resources.Server("ns", "two", "11"));
        watch.Send(WatchEventKind.Modified, Resources.Server("ns", "one", "12", generation: 2));
        watch.Send(WatchEventKind.Deleted, Resources.Server("ns", "two", "13"));
        watch.Send(WatchEventKind.Bookmark, Resources.Bookmark("20"));
        await Eventually.Until(() => watch.Consumed == 4, "events handled");

        Assert.Equal(2L, informer.Store.Get(new ObjectKey("ns", "one"))?.Metadata.Generation);
        Assert.Null(informer.Store.Get(new ObjectKey("ns", "two")));
        Assert.Single(informer.Store.List());
        Assert.Equal("20", informer.ResourceVersion());
        Assert.Equal(["add ns/one relist", "add ns/two", "update ns/one 5->12", "delete ns/two"], handler.Calls);
        await cts.CancelAsync();
        await run.WaitAsync(Eventually.Deadline, Ct);
    }

    [Fact]
    public async Task A_watch_that_ends_normally_is_resumed_from_the_last_resource_version_without_relisting()
    {
        server.ListResult = (_, _) => new([], "10", null);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var informer = Start(null, out var run, cts.Token);
        await Eventually.Until(() => server.Watches.Count == 1, "first watch");

        server.Watch(0).Send(WatchEventKind.Added, Resources.Server("ns", "one", "11"));
        server.Watch(0).Send(WatchEventKind.Bookmark, Resources.Bookmark("15"));
        server.Watch(0).End();
        await Eventually.Until(() => server.Watches.Count == 2, "second watch");

        Assert.Equal("15", server.Watch(1).ResourceVersion);
        Assert.Equal(1, server.ListCount());
        Assert.NotNull(informer.Store.Get(new ObjectKey("ns", "one")));
        await cts.CancelAsync();
        await run.WaitAsync(Eventually.Deadline, Ct);
    }

    [Fact]
    public async Task Expired_relists_and_replaces_the_store_with_updates_and_deletes()
    {
        var lists = 0;
        server.ListResult = (_, _) => Interlocked.Increment(ref lists) == 1
            ? new([Resources.Server("ns", "keep", "1"), Resources.Server("ns", "gone", "2")], "10", null)
            : new([Resources.Server("ns", "keep", "30", generation: 2), Resources.Server("ns", "new", "31")], "40", null);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var informer = Start(null, out var run, cts.Token);
        await Eventually.Until(() => server.Watches.Count == 1, "first watch");

        server.Watch(0).Send(WatchEventKind.Expired, null);
        await Eventually.Until(() => server.Watches.Count == 2, "watch after relist");

        Assert.Equal(2, server.ListCount());
        Assert.Equal("40", server.Watch(1).ResourceVersion);
        Assert.Equal(["keep", "new"], informer.Store.List().Select(s => s.Metadata.Name).Order());
        Assert.Equal(["add ns/keep relist", "add ns/gone relist", "update ns/keep 1->30 relist", "add ns/new relist", "delete ns/gone"], handler.Calls);
        await cts.CancelAsync();
        await run.WaitAsync(Eventually.Deadline, Ct);
    }

    [Fact]
    public async Task A_quiet_watch_is_cancelled_by_the_watchdog_and_restarted_from_the_last_version()
    {
        server.ListResult = (_, _) => new([], "10", null);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var informer = Start(null, out var run, cts.Token);
        await Eventually.Until(() => server.Watches.Count == 1 && server.Watch(0).Started, "first watch");
        var first = server.Watch(0);

        time.Advance(TimeSpan.FromSeconds(14));
        first.Send(WatchEventKind.Bookmark, Resources.Bookmark("12"));
        await Eventually.Until(() => first.Consumed == 1, "bookmark handled");
        time.Advance(TimeSpan.FromSeconds(14));
        Assert.False(first.Cancelled, "an event must reset the watchdog");

        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(first.Cancelled);
        await Eventually.Until(() => server.Watches.Count == 2, "restarted watch");
        Assert.Equal("12", server.Watch(1).ResourceVersion);
        Assert.Equal(1, server.ListCount());
        await cts.CancelAsync();
        await run.WaitAsync(Eventually.Deadline, Ct);
    }

    public static TheoryData<string> ResumableFailures => new() { "io", "connection", "429", "500-status", "client-timeout" };

    private static Exception Failure(string kind) => kind switch
    {
        "io" => new IOException("The response ended prematurely."),
        "connection" => new HttpRequestException("Connection refused"),
        "429" => new HttpOperationException("429") { Response = new HttpResponseMessageWrapper(new HttpResponseMessage(HttpStatusCode.TooManyRequests), "") },
        "500-status" => new KubernetesException(new V1Status { Code = 500, Reason = "InternalError" }),
        "client-timeout" => new TaskCanceledException("The request was canceled due to the configured HttpClient.Timeout"),
        "403" => new HttpOperationException("403") { Response = new HttpResponseMessageWrapper(new HttpResponseMessage(HttpStatusCode.Forbidden), "") },
        _ => new System.Text.Json.JsonException("cannot read the event"),
    };

    [Theory, MemberData(nameof(ResumableFailures))]
    public async Task A_watch_that_breaks_at_the_transport_or_is_refused_resumes_from_the_last_version_without_relisting(string failure)
    {
        server.ListResult = (_, _) => new([Resources.Server("ns", "one", "5"), Resources.Server("ns", "two", "6")], "10", null);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var informer = Start(null, out var run, cts.Token);
        await Eventually.Until(() => server.Watches.Count == 1, "first watch");
        var before = time.GetUtcNow();

        server.Watch(0).Send(WatchEventKind.Modified, Resources.Server("ns", "one", "11", generation: 2));
        server.Watch(0).Fail(Failure(failure));
        await Eventually.Until(() => server.Watches.Count == 2, "resumed watch",
            pump: () => time.Advance(TimeSpan.FromMilliseconds(100)));

        Assert.True(time.GetUtcNow() - before >= TimeSpan.FromMilliseconds(800), "resumed before the backoff");
        Assert.Equal("11", server.Watch(1).ResourceVersion);
        Assert.Equal(1, server.ListCount());
        Assert.Equal(["add ns/one relist", "add ns/two relist", "update ns/one 5->11"], handler.Calls);
        Assert.Equal(2L, informer.Store.Get(new ObjectKey("ns", "one"))?.Metadata.Generation);
        await cts.CancelAsync();
        await run.WaitAsync(Eventually.Deadline, Ct);
    }

    [Theory]
    [InlineData("403")]
    [InlineData("unreadable")]
    public async Task Other_errors_relist_after_a_backoff(string failure)
    {
        server.ListResult = (_, _) => new([], "10", null);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var informer = Start(null, out var run, cts.Token);
        await Eventually.Until(() => server.Watches.Count == 1, "first watch");
        var before = time.GetUtcNow();

        server.Watch(0).Fail(Failure(failure));
        await Eventually.Until(() => server.ListCount() == 2, "relist",
            pump: () => time.Advance(TimeSpan.FromMilliseconds(100)));

        Assert.True(time.GetUtcNow() - before >= TimeSpan.FromMilliseconds(800), "relisted before the backoff");
        await Eventually.Until(() => server.Watches.Count == 2, "new watch");
        await cts.CancelAsync();
        await run.WaitAsync(Eventually.Deadline, Ct);
    }

    [Fact]
    public async Task With_a_namespace_list_each_namespace_is_listed_and_watched_and_relisting_one_keeps_the_others()
    {
        var listsInA = 0;
        server.ListResult = (ns, _) => ns switch
        {
            "a" => Interlocked.Increment(ref listsInA) == 1 ? new([Resources.Server("a", "x", "1")], "10", null) : new([], "20", null),
            _ => new([Resources.Server("b", "y", "2")], "11", null),
        };
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var informer = Start(Fixed with { Namespaces = ["a", "b"] }, out var run, cts.Token);
        await informer.Synced.WaitAsync(Eventually.Deadline, Ct);
        await Eventually.Until(() => server.Watches.Count == 2, "one watch per namespace");
        Assert.Equal(["a", "b"], server.Watches.Select(w => w.Namespace).Order());
        Assert.Equal(0, server.ListCount(null));

        server.Watches.Single(w => w.Namespace == "a").Send(WatchEventKind.Expired, null);
        await Eventually.Until(() => server.ListCount("a") == 2 && server.Watches.Count == 3, "relist of a");

        Assert.Null(informer.Store.Get(new ObjectKey("a", "x")));
        Assert.NotNull(informer.Store.Get(new ObjectKey("b", "y")));
        Assert.Equal("20", informer.ResourceVersion("a"));
        Assert.Equal("11", informer.ResourceVersion("b"));
        await cts.CancelAsync();
        await run.WaitAsync(Eventually.Deadline, Ct);
    }

    [Fact]
    public async Task An_API_server_that_refuses_the_list_is_one_warning_line_without_a_stack_and_the_list_is_retried()
    {
        var refused = 0;
        server.ListResult = (_, _) => Interlocked.Increment(ref refused) == 1
            ? throw new HttpRequestException("Connection refused (127.0.0.1:1)")
            : new([], "10", null);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var informer = Start(null, out var run, cts.Token);
        await Eventually.Until(() => server.ListCount() == 2, "list retried",
            pump: () => time.Advance(TimeSpan.FromMilliseconds(100)));
        await informer.Synced.WaitAsync(Eventually.Deadline, Ct);

        var warning = Assert.Single(logs.Entries, e => e.Level == LogLevel.Warning);
        Assert.Null(warning.Exception);
        Assert.Contains("failed (Connection refused (127.0.0.1:1)); relisting in", warning.Message, StringComparison.Ordinal);
        Assert.Contains(logs.Entries, e => e.Level == LogLevel.Debug && e.Exception is HttpRequestException);
        await cts.CancelAsync();
        await run.WaitAsync(Eventually.Deadline, Ct);
    }

    [Fact]
    public async Task A_handler_that_throws_is_logged_and_the_other_handlers_and_the_watch_go_on()
    {
        server.ListResult = (_, _) => new([], "10", null);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var informer = new Informer<ServerPowerResource>("ServerPower", server, Fixed, logs.CreateLogger("Informer"), time, new FixedRandom(0));
        informer.AddHandler(new ThrowingHandler());
        informer.AddHandler(handler);
        var run = informer.RunAsync(cts.Token);
        await Eventually.Until(() => server.Watches.Count == 1, "watch started");

        server.Watch(0).Send(WatchEventKind.Added, Resources.Server("ns", "one", "11"));
        server.Watch(0).Send(WatchEventKind.Added, Resources.Server("ns", "two", "12"));
        await Eventually.Until(() => server.Watch(0).Consumed == 2, "events handled");

        Assert.Equal(["add ns/one", "add ns/two"], handler.Calls);
        Assert.Equal("12", informer.ResourceVersion());
        Assert.Equal(2, logs.Entries.Count(e => e.Level == LogLevel.Error && e.Exception is InvalidOperationException));
        Assert.Single(server.Watches);
        await cts.CancelAsync();
        await run.WaitAsync(Eventually.Deadline, Ct);
    }

    [Fact]
    public async Task Paged_lists_are_read_to_the_end()
    {
        server.ListResult = (_, token) => token is null
            ? new([Resources.Server("ns", "p1", "1")], "10", "next")
            : new([Resources.Server("ns", "p2", "2")], "10", null);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var informer = Start(null, out var run, cts.Token);
        await informer.Synced.WaitAsync(Eventually.Deadline, Ct);

        Assert.Equal(2, informer.Store.Count);
        Assert.Equal([null, "next"], server.Lists.Select(l => l.Continue));
        await cts.CancelAsync();
        await run.WaitAsync(Eventually.Deadline, Ct);
    }

    [Fact]
    public async Task A_list_that_keeps_failing_is_retried_after_a_jittered_backoff_that_doubles_up_to_the_cap_and_stays_there()
    {
        server.ListResult = (_, _) => throw new HttpRequestException("Connection refused");
        var options = Fixed with { InitialBackoff = TimeSpan.FromSeconds(1), MaxBackoff = TimeSpan.FromSeconds(4) };
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        Start(options, out var run, cts.Token, random: 0.5);

        // past 40 doublings a backoff that grew without bound would overflow TimeSpan
        await Eventually.Until(() => server.ListCount() >= 50, "fifty lists",
            pump: () => time.Advance(options.MaxBackoff));

        var delays = logs.Entries.Where(e => e.Level == LogLevel.Warning)
            .Select(e => e.Message[(e.Message.LastIndexOf(" in ", StringComparison.Ordinal) + 4)..]).ToList();
        Assert.Equal(["00:00:01.5000000", "00:00:03", "00:00:04", "00:00:04"], delays.Take(4));
        Assert.All(delays.Skip(2), d => Assert.Equal("00:00:04", d));
        await cts.CancelAsync();
        await run.WaitAsync(Eventually.Deadline, Ct);
    }

    [Fact]
    public async Task The_server_timeout_of_a_watch_is_drawn_between_the_minimum_and_the_maximum()
    {
        server.ListResult = (_, _) => new([], "10", null);
        var options = Fixed with { MinWatchTimeout = TimeSpan.FromSeconds(10), MaxWatchTimeout = TimeSpan.FromSeconds(1010) };
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        Start(options, out var run, cts.Token, random: 0.5);

        Assert.Equal(TimeSpan.FromSeconds(510), server.Watch(0).Timeout);
        await cts.CancelAsync();
        await run.WaitAsync(Eventually.Deadline, Ct);
    }

    [Fact]
    public async Task A_cluster_wide_cache_is_caught_up_in_any_namespace_once_it_reached_the_version()
    {
        server.ListResult = (_, _) => new([], "10", null);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var informer = Start(null, out var run, cts.Token);
        await informer.Synced.WaitAsync(Eventually.Deadline, Ct);

        Assert.True(await informer.CaughtUpAsync("ns", "10", TimeSpan.Zero, Ct));
        Assert.False(await informer.CaughtUpAsync("ns", "11", TimeSpan.Zero, Ct));
        await cts.CancelAsync();
        await run.WaitAsync(Eventually.Deadline, Ct);
    }

    [Fact]
    public async Task A_cache_behind_the_version_answers_false_at_once_when_no_time_is_left()
    {
        server.ListResult = (_, _) => new([], "10", null);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var informer = Start(Fixed with { Namespaces = ["ns"] }, out var run, cts.Token);
        await informer.Synced.WaitAsync(Eventually.Deadline, Ct);

        // a zero wait must not loop on a clock that does not move
        var answer = Task.Run(() => informer.CaughtUpAsync("ns", "11", TimeSpan.Zero, Ct), Ct);
        Assert.False(await answer.WaitAsync(Eventually.Deadline, Ct));
        Assert.False(await informer.CaughtUpAsync("elsewhere", "1", TimeSpan.FromMinutes(1), Ct));
        await cts.CancelAsync();
        await run.WaitAsync(Eventually.Deadline, Ct);
    }

    [Fact]
    public async Task A_wait_for_a_version_returns_when_the_watch_delivers_it_and_releases_its_timer()
    {
        var clock = new HeldClock();
        server.ListResult = (_, _) => new([], "10", null);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var informer = Start(null, out var run, cts.Token, clock: clock);
        var watch = server.Watch(0);
        var wait = TimeSpan.FromMinutes(7);

        // the call returns a pending task: it waits for progress, it does not poll a clock that does not move
        var started = Task.Factory.StartNew(() => informer.CaughtUpAsync("ns", "12", wait, Ct), Ct,
            TaskCreationOptions.None, TaskScheduler.Default);
        var caughtUp = await started.WaitAsync(Eventually.Deadline, Ct);
        watch.Send(WatchEventKind.Added, Resources.Server("ns", "one", "11"));
        watch.Send(WatchEventKind.Bookmark, Resources.Bookmark("12"));

        Assert.True(await caughtUp.WaitAsync(Eventually.Deadline, Ct));
        var waits = clock.Timers.Where(t => t.Due == wait).ToList();
        Assert.NotEmpty(waits);
        Assert.All(waits, t => Assert.True(t.Disposed, "a wait left its timer armed"));
        await cts.CancelAsync();
        await run.WaitAsync(Eventually.Deadline, Ct);
    }

    [Fact]
    public async Task A_wait_for_a_version_ends_with_the_callers_cancellation()
    {
        server.ListResult = (_, _) => new([], "10", null);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var informer = Start(null, out var run, cts.Token);
        await informer.Synced.WaitAsync(Eventually.Deadline, Ct);
        using var caller = new CancellationTokenSource();

        var caughtUp = Task.Run(() => informer.CaughtUpAsync("ns", "12", TimeSpan.FromMinutes(1), caller.Token), Ct);
        _ = Task.Run(caller.Cancel, Ct);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => caughtUp.WaitAsync(Eventually.Deadline, Ct));
        await cts.CancelAsync();
        await run.WaitAsync(Eventually.Deadline, Ct);
    }

    [Fact]
    public void The_store_index_finds_servers_by_provider_and_follows_updates()
    {
        var store = new ObjectStore<ServerPowerResource>();
        store.AddIndex("provider", s => [$"{s.Metadata.NamespaceProperty}/{s.Spec.ProviderRef.Name}"]);
        store.Set(Resources.Server("ns", "one", "1", provider: "acme"));
        store.Set(Resources.Server("ns", "two", "1", provider: "other"));
        store.Set(Resources.Server("elsewhere", "three", "1", provider: "acme"));

        Assert.Equal(["one"], store.ByIndex("provider", "ns/acme").Select(s => s.Metadata.Name));
        store.Set(Resources.Server("ns", "two", "2", provider: "acme"));
        store.Remove(new ObjectKey("ns", "one"));
        Assert.Equal(["two"], store.ByIndex("provider", "ns/acme").Select(s => s.Metadata.Name));
        Assert.Empty(store.ByIndex("provider", "ns/other"));
    }

    private sealed class ThrowingHandler : IResourceEventHandler<ServerPowerResource>
    {
        public void OnAdd(ServerPowerResource obj, bool relist) => throw new InvalidOperationException("handler bug");

        public void OnUpdate(ServerPowerResource oldObj, ServerPowerResource newObj, bool relist) => throw new InvalidOperationException("handler bug");

        public void OnDelete(ServerPowerResource obj) => throw new InvalidOperationException("handler bug");
    }

    private sealed class RecordingHandler : IResourceEventHandler<ServerPowerResource>
    {
        private readonly List<string> calls = [];

        public IReadOnlyList<string> Calls
        {
            get { lock (calls) return [.. calls]; }
        }

        public void OnAdd(ServerPowerResource obj, bool relist) => Record($"add {Key(obj)}{(relist ? " relist" : "")}");

        public void OnUpdate(ServerPowerResource oldObj, ServerPowerResource newObj, bool relist) =>
            Record($"update {Key(newObj)} {oldObj.Metadata.ResourceVersion}->{newObj.Metadata.ResourceVersion}{(relist ? " relist" : "")}");

        public void OnDelete(ServerPowerResource obj) => Record($"delete {Key(obj)}");

        private void Record(string call)
        {
            lock (calls) calls.Add(call);
        }

        private static string Key(ServerPowerResource s) => ObjectKey.From(s.Metadata).ToString();
    }
}
