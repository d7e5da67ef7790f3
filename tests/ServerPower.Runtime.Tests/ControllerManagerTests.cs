using k8s;
using k8s.LeaderElection;
using k8s.Models;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using ServerPower.Api.Resources;
using ServerPower.Runtime;

namespace ServerPower.Runtime.Tests;

/// <summary>The manager built through the container: shared informers, watches, queues, swapped services.</summary>
public sealed class ControllerManagerTests
{
    private static readonly ObjectKey S1 = new("ns", "s1");
    private static readonly ObjectKey S2 = new("ns", "s2");
    private static readonly ObjectKey S3 = new("elsewhere", "s3");
    private static readonly ObjectKey Acme = new("ns", "acme");
    private const string ProviderIndex = "provider";
    private static readonly ResourceKind ServerKind = new("example.io", "v1", "servers", "Server");
    private static readonly ResourceKind ProviderKind = new("example.io", "v1", "providers", "Provider");
    private static readonly RuntimeOptions NoElection = new() { LeaderElection = new LeaderElectionOptions { Enabled = false } };
    private CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly FakeListWatcher<ServerPowerResource> servers = new()
    {
        ListResult = (_, _) => new([
            Resources.Server("ns", "s1", "1", provider: "acme"),
            Resources.Server("ns", "s2", "2", provider: "other"),
            Resources.Server("elsewhere", "s3", "3", provider: "acme"),
        ], "10", null),
    };

    private readonly FakeListWatcher<PowerProviderResource> providers = new()
    {
        ListResult = (_, _) => new([Resources.Provider("ns", "acme", "4")], "10", null),
    };

    private readonly RecordingReconciler serverReconciler = new();
    private readonly RecordingReconciler providerReconciler = new();
    private readonly RecordingReconciler auditReconciler = new();

    private ServiceCollection Services(RuntimeOptions? options = null)
    {
        var services = new ServiceCollection();
        services.AddSingleton(new ServersReconciler(serverReconciler));
        services.AddSingleton(new ProvidersReconciler(providerReconciler));
        services.AddSingleton(new AuditReconciler(auditReconciler));
        services.AddSingleton<IListWatcher<ServerPowerResource>>(servers);
        services.AddSingleton<IListWatcher<PowerProviderResource>>(providers);
        services.AddOperatorRuntime(options ?? NoElection);
        return services;
    }

    [Fact]
    public async Task A_watched_kind_reaches_the_objects_its_index_names_and_status_only_updates_do_not_reconcile()
    {
        var services = Services();
        services.AddInformer<ServerPowerResource>(ServerKind)
            .WithIndex(ProviderIndex, s => [$"{s.Metadata.NamespaceProperty}/{s.Spec.ProviderRef.Name}"]);
        services.AddController<ServersReconciler, ServerPowerResource>("servers")
            .Watches<PowerProviderResource>(ProviderIndex, p => [$"{p.Metadata.NamespaceProperty}/{p.Metadata.Name}"]);
        services.AddController<ProvidersReconciler, PowerProviderResource>("providers");
        await using var running = Start(services);
        var (provider, manager) = (running.Provider, running.Manager);
        await Eventually.Until(() => manager.HasSynced && manager.LeaderElection.IsLeader && providerReconciler.Calls(Acme) >= 1
            && serverReconciler.Calls(S1) >= 1 && serverReconciler.Calls(S2) >= 1 && serverReconciler.Calls(S3) >= 1
            && Quiet(manager), "initial reconciles");
        var cache = provider.GetRequiredService<ICacheReader>();
        Assert.Equal(["s1"], cache.ByIndex<ServerPowerResource>(ProviderIndex, "ns/acme").Select(s => s.Metadata.Name));
        var (s1, s2, s3) = (serverReconciler.Calls(S1), serverReconciler.Calls(S2), serverReconciler.Calls(S3));

        var acme = Resources.Provider("ns", "acme", "30");
        acme.Status = new PowerProviderStatus { ObservedGeneration = 1 };
        providers.Watch(0).Send(WatchEventKind.Modified, acme);
        await Eventually.Until(() => serverReconciler.Calls(S1) == s1 + 1 && Quiet(manager), "server of the provider re-reconciled");
        Assert.Equal(s2, serverReconciler.Calls(S2));
        Assert.Equal(s3, serverReconciler.Calls(S3));

        var watch = servers.Watch(0);
        watch.Send(WatchEventKind.Modified, Resources.Server("ns", "s1", "20", provider: "acme", power: PowerState.Stopped));
        watch.Send(WatchEventKind.Modified, Resources.Server("ns", "s2", "21", generation: 2, provider: "other"));
        await Eventually.Until(() => serverReconciler.Calls(S2) == s2 + 1 && Quiet(manager), "generation change reconciled");
        Assert.Equal(s1 + 1, serverReconciler.Calls(S1));

        providers.Watch(0).Send(WatchEventKind.Deleted, acme);
        await Eventually.Until(() => serverReconciler.Calls(S1) == s1 + 2 && Quiet(manager), "a deleted provider reaches its server");
        Assert.Equal(s3, serverReconciler.Calls(S3));

        await running.StopAsync();
        Assert.True(manager.Queue("servers").IsShuttingDown);
    }

    [Fact]
    public async Task Two_controllers_of_one_kind_share_one_informer_and_both_reconcile_its_objects()
    {
        var services = Services();
        services.AddInformer<ServerPowerResource>(ServerKind);
        services.AddController<ServersReconciler, ServerPowerResource>("servers");
        services.AddController<AuditReconciler, ServerPowerResource>("audit");
        await using var running = Start(services);
        var manager = running.Manager;
        await Eventually.Until(() => serverReconciler.Calls(S1) >= 1 && auditReconciler.Calls(S1) >= 1
            && serverReconciler.Calls(S3) >= 1 && auditReconciler.Calls(S3) >= 1, "both controllers reconcile");

        Assert.Single(manager.Informers);
        Assert.Equal(1, servers.ListCount());
        Assert.Single(servers.Watches);
        Assert.Equal(["audit", "servers"], manager.ControllerNames.Order());
    }

    [Fact]
    public async Task A_watch_map_enqueues_the_keys_it_returns_in_the_watching_controllers_queue()
    {
        var services = Services();
        services.AddInformer<ServerPowerResource>(ServerKind);
        services.AddInformer<PowerProviderResource>(ProviderKind);
        services.AddController<ServersReconciler, ServerPowerResource>("servers")
            .Watches<PowerProviderResource>(p => [new ObjectKey("mapped", p.Metadata.Name)]);
        await using var running = Start(services);
        var manager = running.Manager;
        var mapped = new ObjectKey("mapped", "acme");
        await Eventually.Until(() => serverReconciler.Calls(mapped) >= 1 && serverReconciler.Calls(S1) >= 1 && Quiet(manager),
            "the listed provider's mapped key");
        var before = serverReconciler.Calls(mapped);

        providers.Watch(0).Send(WatchEventKind.Modified, Resources.Provider("ns", "acme", "40"));
        await Eventually.Until(() => serverReconciler.Calls(mapped) == before + 1 && Quiet(manager), "a change enqueues the mapped key");
        Assert.Equal(0, providerReconciler.TotalCalls);
    }

    [Fact]
    public async Task Services_registered_before_the_runtime_are_kept()
    {
        var services = new ServiceCollection();
        var factory = new FakeListWatcherFactory(servers);
        var metrics = new RecordingMetrics();
        services.AddSingleton<IListWatcherFactory>(factory);
        services.AddSingleton<IRuntimeMetrics>(metrics);
        services.AddSingleton(new ServersReconciler(serverReconciler));
        services.AddOperatorRuntime(NoElection);
        services.AddInformer<ServerPowerResource>(ServerKind);
        services.AddController<ServersReconciler, ServerPowerResource>("servers");
        await using var running = Start(services);
        var (provider, manager) = (running.Provider, running.Manager);
        await Eventually.Until(() => metrics.Reconciles.Count(r => r.Controller == "servers") >= 3, "reconciles reported to the test's metrics");

        Assert.Equal([ServerKind], factory.Kinds);
        Assert.Same(metrics, provider.GetRequiredService<IRuntimeMetrics>());
        Assert.True(metrics.Leader);
    }

    [Fact]
    public async Task The_time_provider_from_the_container_drives_the_resync()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z"));
        var services = Services(NoElection with { Controller = new ControllerOptions { ResyncPeriod = TimeSpan.FromMinutes(1) } });
        services.AddSingleton<TimeProvider>(time);
        services.AddInformer<ServerPowerResource>(ServerKind);
        services.AddController<ServersReconciler, ServerPowerResource>("servers");
        await using var running = Start(services);
        var (provider, manager) = (running.Provider, running.Manager);
        await Eventually.Until(() => serverReconciler.Calls(S1) == 1 && serverReconciler.Calls(S2) == 1 && serverReconciler.Calls(S3) == 1
            && Quiet(manager), "initial reconciles");
        Assert.Same(time, provider.GetRequiredService<TimeProvider>());

        // Resync comes a slice at a time; the fake clock fires one slice per advance.
        for (var i = 0; i < Controller.ResyncSlices; i++) time.Advance(TimeSpan.FromSeconds(70) / Controller.ResyncSlices);
        await Eventually.Until(() => serverReconciler.Calls(S1) == 2 && serverReconciler.Calls(S2) == 2 && serverReconciler.Calls(S3) == 2,
            "a resync on the container's clock");
    }

    [Fact]
    public void A_kind_used_without_an_informer_registration_or_list_watcher_is_a_clear_error()
    {
        var services = new ServiceCollection();
        services.AddSingleton(new ServersReconciler(serverReconciler));
        services.AddOperatorRuntime(NoElection);
        services.AddController<ServersReconciler, ServerPowerResource>("servers");
        using var provider = services.BuildServiceProvider();
        var error = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<ControllerManager>());
        Assert.Equal("ServerPowerResource is used but has no AddInformer<ServerPowerResource>(ResourceKind)", error.Message);
    }

    [Fact]
    public async Task A_controller_of_a_kind_with_a_list_watcher_and_no_AddInformer_gets_the_kinds_informer()
    {
        var services = Services();
        services.AddController<ServersReconciler, ServerPowerResource>("servers");
        await using var running = Start(services);
        var manager = running.Manager;

        await Eventually.Until(() => serverReconciler.Calls(S1) >= 1, "the listed server reconciled");
        Assert.Equal(["ServerPowerResource"], manager.Informers.Select(i => i.Kind));
    }

    [Fact]
    public async Task A_reconciler_not_registered_is_built_by_the_container()
    {
        var services = new ServiceCollection();
        services.AddSingleton(serverReconciler); // what ServersReconciler's constructor takes
        services.AddSingleton<IListWatcher<ServerPowerResource>>(servers);
        services.AddOperatorRuntime(NoElection);
        services.AddInformer<ServerPowerResource>(ServerKind);
        services.AddController<ServersReconciler, ServerPowerResource>("servers");
        await using var running = Start(services);

        Assert.NotNull(running.Provider.GetService<ServersReconciler>());
        await Eventually.Until(() => serverReconciler.Calls(S1) >= 1 && serverReconciler.Calls(S3) >= 1, "the listed servers reconciled");
    }

    [Fact]
    public void Two_controllers_with_one_name_are_refused()
    {
        var services = Services();
        services.AddController<ServersReconciler, ServerPowerResource>("servers");
        var error = Assert.Throws<InvalidOperationException>(() => services.AddController<AuditReconciler, ServerPowerResource>("servers"));
        Assert.Equal("a controller named 'servers' is already registered", error.Message);
    }

    [Fact]
    public void A_second_index_with_a_name_the_kind_already_has_is_refused_and_other_names_and_kinds_are_not()
    {
        var services = Services();
        services.AddInformer<ServerPowerResource>(ServerKind).WithIndex(ProviderIndex, s => [s.Spec.ProviderRef.Name]);
        services.AddInformer<PowerProviderResource>(ProviderKind).WithIndex(ProviderIndex, p => [p.Metadata.Name]);
        var serverCache = services.AddInformer<ServerPowerResource>(ServerKind).WithIndex("id", s => [s.Spec.ServerId]);

        var error = Assert.Throws<InvalidOperationException>(() => serverCache.WithIndex(ProviderIndex, s => [s.Metadata.Name]));
        Assert.Equal("the ServerPowerResource cache already has an index named 'provider'", error.Message);
    }

    [Fact]
    public void A_kind_read_from_the_cache_without_an_informer_is_a_clear_error()
    {
        var services = Services();
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<ICacheReader>().List<ServerPowerResource>());
        Assert.Equal("no informer for ServerPowerResource: register it with AddInformer<ServerPowerResource>(ResourceKind)", error.Message);
    }

    [Fact]
    public void Leader_election_uses_the_lock_registered_before_the_runtime()
    {
        var services = Services(NoElection with { LeaderElection = new LeaderElectionOptions { Enabled = true } });
        services.AddSingleton<ILock>(new FakeLock("replica-1"));
        using var provider = services.BuildServiceProvider();

        Assert.Equal("replica-1", provider.GetRequiredService<LeaderElection>().Identity);
    }

    [Fact]
    public async Task The_runtime_runs_its_manager_as_a_hosted_service_whose_stop_is_a_normal_end()
    {
        var services = Services();
        services.AddInformer<ServerPowerResource>(ServerKind);
        services.AddController<ServersReconciler, ServerPowerResource>("servers");
        await using var provider = services.BuildServiceProvider();
        var hosted = Assert.IsType<ControllerManagerService>(Assert.Single(provider.GetServices<IHostedService>()));

        await hosted.StartAsync(Ct);
        await Eventually.Until(() => serverReconciler.Calls(S1) >= 1, "the manager reconciles");
        await hosted.StopAsync(Ct);

        Assert.Equal(TaskStatus.RanToCompletion, hosted.ExecuteTask?.Status);
    }

    [Fact]
    public void The_runtime_assembly_references_none_of_the_operators_own()
    {
        // src/ServerPower.Runtime is its own project: the compiler keeps ServerPower kinds out; this pins the reference list.
        // Its one ServerPower reference is the shared token bucket (ServerPower.RateLimiting), which names no kind either.
        var references = typeof(WorkQueue).Assembly.GetReferencedAssemblies().Select(a => a.Name ?? "");
        Assert.Equal(["ServerPower.RateLimiting"], references.Where(name => name.StartsWith("ServerPower.", StringComparison.Ordinal)));
        Assert.Equal("ServerPower.Runtime", typeof(WorkQueue).Assembly.GetName().Name);
    }

    [Fact]
    public void The_manager_has_synced_only_when_every_informer_has()
    {
        var services = Services();
        services.AddSingleton<ISharedInformer>(new ScriptedInformer("synced", synced: true));
        services.AddSingleton<ISharedInformer>(new ScriptedInformer("listing", synced: false));
        using var provider = services.BuildServiceProvider();

        Assert.False(provider.GetRequiredService<ControllerManager>().HasSynced);
    }

    [Fact]
    public async Task Controllers_start_leading_only_after_every_cache_has_synced()
    {
        var listing = new ScriptedInformer("listing", synced: false);
        var services = Services();
        services.AddSingleton<ISharedInformer>(listing);
        services.AddInformer<ServerPowerResource>(ServerKind);
        services.AddController<ServersReconciler, ServerPowerResource>("servers");
        await using var running = Start(services);
        var manager = running.Manager;
        Assert.False(manager.LeaderElection.IsLeader);

        listing.MarkSynced();
        await Eventually.Until(() => manager.LeaderElection.IsLeader, "leading once the cache synced");
    }

    [Fact]
    public async Task Run_ends_after_its_informers_and_with_an_informer_failure()
    {
        var failing = new ScriptedInformer("failing", synced: true) { FailOnCancel = new InvalidOperationException("informer broke") };
        var services = Services();
        services.AddSingleton<ISharedInformer>(failing);
        services.AddInformer<ServerPowerResource>(ServerKind);
        services.AddController<ServersReconciler, ServerPowerResource>("servers");
        await using var provider = services.BuildServiceProvider();
        var manager = provider.GetRequiredService<ControllerManager>();
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        var run = manager.RunAsync(cts.Token);
        await Eventually.Until(() => manager.LeaderElection.IsLeader, "leading");
        await cts.CancelAsync();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => run.WaitAsync(Eventually.Deadline, Ct));
        Assert.Equal("informer broke", error.Message);
    }

    [Fact]
    public async Task A_controller_runs_with_its_own_options_over_the_runtimes()
    {
        var metrics = new RecordingMetrics();
        var services = Services(NoElection with { Controller = new ControllerOptions { Workers = 1 } });
        services.AddSingleton<IRuntimeMetrics>(metrics);
        services.AddInformer<ServerPowerResource>(ServerKind);
        services.AddController<ServersReconciler, ServerPowerResource>("servers", new ControllerOptions { Workers = 3 });
        await using var running = Start(services);
        var manager = running.Manager;

        Assert.Equal(3, metrics.Workers);
    }

    [Fact]
    public async Task A_kind_only_watched_gets_its_own_informer_without_AddInformer()
    {
        var services = Services();
        services.AddInformer<ServerPowerResource>(ServerKind);
        services.AddController<ServersReconciler, ServerPowerResource>("servers")
            .Watches<PowerProviderResource>(p => [new ObjectKey("mapped", p.Metadata.Name)]);
        await using var running = Start(services);
        var manager = running.Manager;

        await Eventually.Until(() => serverReconciler.Calls(new ObjectKey("mapped", "acme")) >= 1, "the watched provider's mapped key");
        Assert.Equal(["Server", "PowerProviderResource"], manager.Informers.Select(i => i.Kind));
    }

    [Fact]
    public void Two_registrations_with_one_name_are_refused_by_the_manager_too()
    {
        var services = Services();
        services.AddInformer<ServerPowerResource>(ServerKind);
        services.AddSingleton<ControllerRegistration>(new ControllerRegistration<ServerPowerResource>("servers", typeof(ServersReconciler), null));
        services.AddSingleton<ControllerRegistration>(new ControllerRegistration<ServerPowerResource>("servers", typeof(ServersReconciler), null));
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<ControllerManager>());
        Assert.Equal("a controller named 'servers' is already registered", error.Message);
    }

    [Fact]
    public void The_queue_of_an_unknown_controller_is_a_clear_error()
    {
        var services = Services();
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<ArgumentException>(() => provider.GetRequiredService<ControllerManager>().Queue("nobody"));
        Assert.StartsWith("no controller named 'nobody'", error.Message);
    }

    [Fact]
    public void A_replica_that_does_not_lead_is_never_stalled_though_its_queue_waits()
    {
        var time = new FakeTimeProvider();
        var services = Services();
        services.AddSingleton<TimeProvider>(time);
        services.AddInformer<ServerPowerResource>(ServerKind);
        services.AddController<ServersReconciler, ServerPowerResource>("servers");
        using var provider = services.BuildServiceProvider();
        var manager = provider.GetRequiredService<ControllerManager>();
        var limit = TimeSpan.FromMinutes(5);

        manager.Enqueue("servers", S1);
        time.Advance(TimeSpan.FromMinutes(10));

        Assert.True(manager.Queue("servers").IsStalled(limit));
        Assert.False(manager.IsStalled(limit));
    }

    [Fact]
    public async Task A_leading_replica_is_stalled_when_one_controller_is_wedged_though_the_others_are_idle()
    {
        var time = new FakeTimeProvider();
        var release = new TaskCompletionSource<ReconcileResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        var wedged = new RecordingReconciler((_, _, token) => release.Task.WaitAsync(token));
        var services = Services();
        services.AddSingleton<TimeProvider>(time);
        services.AddSingleton(new ServersReconciler(wedged));
        services.AddInformer<ServerPowerResource>(ServerKind);
        services.AddInformer<PowerProviderResource>(ProviderKind);
        services.AddController<ServersReconciler, ServerPowerResource>("servers");
        services.AddController<ProvidersReconciler, PowerProviderResource>("providers");
        await using var provider = services.BuildServiceProvider();
        var manager = provider.GetRequiredService<ControllerManager>();
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var limit = TimeSpan.FromMinutes(5);

        var run = manager.RunAsync(cts.Token);
        await Eventually.Until(() => manager.LeaderElection.IsLeader && wedged.Calls(S1) >= 1 && providerReconciler.Calls(Acme) >= 1
            && manager.Queue("providers").Length == 0 && !manager.Queue("providers").IsProcessing(Acme), "servers wedged, providers idle");
        time.Advance(TimeSpan.FromMinutes(10));

        Assert.False(manager.Queue("providers").IsStalled(limit));
        Assert.True(manager.Queue("servers").IsStalled(limit));
        Assert.True(manager.IsStalled(limit));
        release.SetResult(ReconcileResult.Done);
        await cts.CancelAsync();
        await run.WaitAsync(Eventually.Deadline, Ct);
    }

    /// <summary>The manager of <paramref name="services"/>, running until stopped or disposed.</summary>
    private Running Start(ServiceCollection services)
    {
        var provider = services.BuildServiceProvider();
        var manager = provider.GetRequiredService<ControllerManager>();
        var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        return new Running(provider, manager, cts, manager.RunAsync(cts.Token), Ct);
    }

    /// <summary>A running manager; stopping it cancels its run and asserts that the run ends.</summary>
    private sealed class Running(ServiceProvider provider, ControllerManager manager, CancellationTokenSource cts, Task run,
        CancellationToken testToken) : IAsyncDisposable
    {
        public ServiceProvider Provider => provider;

        public ControllerManager Manager => manager;

        public async Task StopAsync()
        {
            await cts.CancelAsync();
            await run.WaitAsync(Eventually.Deadline, testToken);
        }

        public async ValueTask DisposeAsync()
        {
            try
            {
                await StopAsync();
            }
            finally
            {
                cts.Dispose();
                await provider.DisposeAsync();
            }
        }
    }

    private static bool Quiet(ControllerManager manager) => manager.ControllerNames.All(name =>
    {
        var queue = manager.Queue(name);
        return queue.Length == 0 && !queue.IsProcessing(S1) && !queue.IsProcessing(S2) && !queue.IsProcessing(S3)
            && !queue.IsProcessing(Acme) && !queue.IsProcessing(new ObjectKey("mapped", "acme"));
    });

    private sealed class FakeListWatcherFactory(FakeListWatcher<ServerPowerResource> servers) : IListWatcherFactory
    {
        public List<ResourceKind> Kinds { get; } = [];

        public IListWatcher<T> Create<T>(ResourceKind kind) where T : class, IKubernetesObject<V1ObjectMeta>
        {
            Kinds.Add(kind);
            return (IListWatcher<T>)(object)servers;
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    public void A_controller_without_a_name_is_refused_when_it_is_added(string name)
    {
        var services = Services();

        Assert.Throws<ArgumentException>(() => services.AddController<ServersReconciler, ServerPowerResource>(name));
    }

    /// <summary>An informer the test drives: synced or not, and what its run does when cancelled.</summary>
    private sealed class ScriptedInformer(string kind, bool synced) : ISharedInformer
    {
        private readonly TaskCompletionSource sync = Completed(synced);

        public string Kind => kind;

        public Task Synced => sync.Task;

        public bool HasSynced => sync.Task.IsCompleted;

        public Exception? FailOnCancel { get; init; }

        public void MarkSynced() => sync.TrySetResult();

        public Task RunAsync(CancellationToken cancellationToken)
        {
            var ended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            cancellationToken.Register(() =>
            {
                if (FailOnCancel is null) ended.TrySetResult();
                else ended.TrySetException(FailOnCancel);
            });
            return ended.Task;
        }

        private static TaskCompletionSource Completed(bool done)
        {
            var source = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            if (done) source.TrySetResult();
            return source;
        }
    }
}
