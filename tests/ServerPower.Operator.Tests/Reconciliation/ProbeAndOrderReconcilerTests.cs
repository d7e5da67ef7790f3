using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using ServerPower.Api.Resources;
using ServerPower.Api.Vocabulary;
using ServerPower.Operator.Decision;
using ServerPower.Operator.Ordering;
using ServerPower.Operator.Probing;
using ServerPower.Operator.Reconciliation;
using ServerPower.Runtime;
using ServerPower.Providers.Contract;
using ServerPower.Sandbox.Services;
using ServerPower.Providers.Outbound;
using ServerPower.Operator.Endpoints;
using ServerPower.Operator.Tests.Probing;

namespace ServerPower.Operator.Tests.Reconciliation;

/// <summary>The reconciler with a real prober (probing a listener on 127.0.0.1 on the fixture's fake clock) and a server graph.</summary>
public sealed class ProbeAndOrderReconcilerTests : IAsyncDisposable
{
    private readonly ReconcilerFixture f = new();
    private readonly ServiceListener service = ServiceListener.Start();
    private readonly List<ObjectKey> enqueued = [];
    private readonly ProbeRunner runner;
    private readonly ReadinessProber prober;
    private readonly ServerPowerReconciler reconciler;
    private readonly List<string> names = [ReconcilerFixture.Key.Name];

    public ProbeAndOrderReconcilerTests()
    {
        runner = new ProbeRunner(f.Time, new OutboundConnector(OutboundPolicy.AllowingLoopback));
        prober = new ReadinessProber(runner, new ProbeTargetPolicy(EndpointPolicy.Default), new CallbackServerQueue(enqueued.Add), f.Time,
            NullLogger<ReadinessProber>.Instance, new ProberOptions());
        reconciler = f.ReconcilerWith(probes: prober, order: new StartOrder(new TestGraph(f.Kube, names), f.Kube));
    }

    private ReadinessProbeSpec Probe => new() { TcpSocket = new TcpSocketProbe { Host = "127.0.0.1", Port = service.Port }, FailureThreshold = 2 };

    private Task<ReconcileResult> ReconcileAsync(string name = "mc") =>
        reconciler.ReconcileAsync(new ObjectKey(ReconcilerFixture.Ns, name), CancellationToken.None);

    private Task ProbeDueAsync() => prober.StartDue(CancellationToken.None).Started;

    private string? Ready => f.Condition(ConditionTypes.Ready)?.Reason;

    [Fact]
    public async Task Ready_follows_the_probe_and_a_steady_probe_costs_no_writes()
    {
        f.AddServer(DesiredPowerState.Running, PowerState.Running, s => s.Spec = s.Spec with { ReadinessProbe = Probe });
        await ReconcileAsync();
        Assert.Equal(Reasons.ProbePending, Ready);

        await ProbeDueAsync();
        Assert.Equal([ReconcilerFixture.Key], enqueued);
        await ReconcileAsync();
        Assert.Equal(Reasons.InDesiredState, Ready);
        Assert.Equal(ProbeResult.Success, f.Server.Status?.Probe?.LastResult);

        var writes = f.Kube.Writes.Count;
        for (var i = 0; i < 3; i++)
        {
            f.Time.Advance(TimeSpan.FromSeconds(10));
            await ProbeDueAsync();
            await ReconcileAsync();
        }
        Assert.Equal(writes, f.Kube.Writes.Count);

        service.Close();
        for (var i = 0; i < 2; i++)
        {
            f.Time.Advance(TimeSpan.FromSeconds(10));
            await ProbeDueAsync();
        }
        await ReconcileAsync();
        Assert.Equal(Reasons.ProbeFailing, Ready);
        Assert.Equal("False", f.Condition(ConditionTypes.Ready)?.Status);
        Assert.Contains("ConnectionRefused", f.Condition(ConditionTypes.Ready)?.Message);
        Assert.Equal(new ProbeStatus { LastResult = ProbeResult.Failure, ConsecutiveFailures = 1, LastProbeTime = f.Server.Status!.Probe!.LastProbeTime,
            Message = $"tcp 127.0.0.1:{service.Port}: ConnectionRefused" } with { ConsecutiveFailures = 2 }, f.Server.Status.Probe);
        Assert.Empty(f.Provider.Sent);
    }

    [Fact]
    public async Task After_a_restart_Ready_waits_for_the_probe_to_pass_again()
    {
        f.AddServer(DesiredPowerState.Running, PowerState.Running, s => s.Spec = s.Spec with { ReadinessProbe = Probe });
        await ReconcileAsync();
        await ProbeDueAsync();
        await ReconcileAsync();
        Assert.Equal(Reasons.InDesiredState, Ready);

        f.Edit(s => ReconcilerFixture.SetAnnotation(s, Annotations.Restart, "r1"));
        await ReconcileAsync();
        Assert.Equal([("1234", ActionType.Restart)], f.Provider.Sent);
        f.Time.Advance(TimeSpan.FromSeconds(2));
        await ReconcileAsync();
        Assert.Equal(Reasons.ProbePending, Ready);

        await ProbeDueAsync();
        await ReconcileAsync();
        Assert.Equal(Reasons.InDesiredState, Ready);
    }

    [Fact]
    public async Task A_server_declared_Stopped_is_not_probed()
    {
        f.AddServer(DesiredPowerState.Stopped, PowerState.Stopped, s => s.Spec = s.Spec with { ReadinessProbe = Probe });
        await ReconcileAsync();
        await ProbeDueAsync();
        Assert.Equal(0, service.Accepted);
        Assert.Equal(0, prober.Count);
        Assert.Equal(Reasons.InDesiredState, Ready);
        Assert.Null(f.Server.Status?.Probe);
    }

    [Fact]
    public async Task A_probe_that_never_answers_holds_no_reconcile()
    {
        service.Hang = true;
        var probe = new ReadinessProbeSpec { HttpGet = new HttpGetProbe { Url = $"https://127.0.0.1:{service.Port}/" } };
        f.AddServer(DesiredPowerState.Running, PowerState.Running, s => s.Spec = s.Spec with { ReadinessProbe = probe });
        await ReconcileAsync();
        var connected = service.NextConnection;
        var inFlight = ProbeDueAsync();
        await connected.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        for (var i = 0; i < 3; i++) Assert.False((await ReconcileAsync()).Failed);
        Assert.False(inFlight.IsCompleted);
        Assert.Equal(Reasons.ProbePending, Ready);
        f.Time.Advance(TimeSpan.FromSeconds(3));
        await inFlight.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        Assert.Contains("no answer within 3s", prober.Observe(ReconcilerFixture.Key)?.Message);
    }

    [Fact]
    public async Task A_deleted_server_is_no_longer_probed()
    {
        f.AddServer(DesiredPowerState.Running, PowerState.Running, s => s.Spec = s.Spec with { ReadinessProbe = Probe });
        await ReconcileAsync();
        Assert.Equal(1, prober.Count);
        await reconciler.ReconcileAsync(new ObjectKey(ReconcilerFixture.Ns, "gone"), CancellationToken.None);
        Assert.Equal(1, prober.Count);
        f.Edit(s => s.Spec = s.Spec with { State = DesiredPowerState.Stopped });
        await ReconcileAsync();
        Assert.Equal(0, prober.Count);
    }

    private void AddDependency(string name, string serverId, bool ready)
    {
        names.Add(name);
        f.Provider.Servers[serverId] = new ObservedServer(ready ? PowerState.Running : PowerState.Stopped, "x");
        f.Kube.Put(new ServerPowerResource
        {
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ReconcilerFixture.Ns, Generation = 1 },
            Spec = new ServerPowerSpec { ProviderRef = new LocalObjectReference { Name = "main" }, ServerId = serverId },
            Status = new ServerPowerStatus
            {
                ObservedGeneration = 1, DesiredState = TargetPowerState.Running, PowerState = ready ? PowerState.Running : PowerState.Starting,
                Conditions = [new Condition { Type = ConditionTypes.Ready, Status = ready ? "True" : "False", Reason = "x", LastTransitionTime = f.Time.GetUtcNow().UtcDateTime }],
            },
        });
    }

    [Fact]
    public async Task A_server_starts_only_once_its_dependency_is_Ready()
    {
        AddDependency("db", "db1", ready: false);
        f.AddServer(DesiredPowerState.Running, PowerState.Stopped, s => s.Spec = s.Spec with { StartAfter = ["db"] });
        await ReconcileAsync();
        Assert.Empty(f.Provider.Sent);
        Assert.Equal(Reasons.WaitingForDependencies, Ready);
        Assert.Contains("db", f.Condition(ConditionTypes.Ready)?.Message);

        AddDependency("db", "db1", ready: true);
        await ReconcileAsync();
        Assert.Equal([("1234", ActionType.Start)], f.Provider.Sent);
    }

    [Fact]
    public async Task A_start_is_decided_again_on_the_dependencies_the_API_server_holds_when_the_cache_lags()
    {
        AddDependency("db", "db1", ready: true);
        var cachedWhileReady = new TestGraph(f.Kube, names).Get(ReconcilerFixture.Ns, "db")!;
        AddDependency("db", "db1", ready: false); // db just stopped being Ready; the cache has not seen it yet
        var lagging = f.ReconcilerWith(order: new StartOrder(new SnapshotGraph(new TestGraph(f.Kube, names), cachedWhileReady), f.Kube));
        f.AddServer(DesiredPowerState.Running, PowerState.Stopped, s => s.Spec = s.Spec with { StartAfter = ["db"] });

        await lagging.ReconcileAsync(ReconcilerFixture.Key, CancellationToken.None);

        Assert.Empty(f.Provider.Sent);
        Assert.Equal(Reasons.WaitingForDependencies, Ready);
        Assert.Contains("db", f.Condition(ConditionTypes.Ready)?.Message);
    }

    /// <summary>
    /// Only a start of a server that lists something in spec.startAfter reads its dependencies from the API server
    /// (a stop, or a start with an empty list, costs no read).
    /// </summary>
    [Theory]
    [InlineData(DesiredPowerState.Running, PowerState.Stopped, new[] { "db" }, ActionType.Start, 1)]
    [InlineData(DesiredPowerState.Running, PowerState.Stopped, new string[0], ActionType.Start, 0)]
    [InlineData(DesiredPowerState.Stopped, PowerState.Running, new[] { "db" }, ActionType.Stop, 0)]
    public async Task Only_a_start_after_dependencies_reads_them_live(DesiredPowerState declared, PowerState observed, string[] startAfter,
        ActionType sent, int liveReads)
    {
        AddDependency("db", "db1", ready: true);
        var order = new CountingOrder(new StartOrder(new TestGraph(f.Kube, names), f.Kube));
        f.AddServer(declared, observed, s => s.Spec = s.Spec with { StartAfter = startAfter });

        await f.ReconcilerWith(order: order).ReconcileAsync(ReconcilerFixture.Key, CancellationToken.None);

        Assert.Equal([("1234", sent)], f.Provider.Sent);
        Assert.Equal(liveReads, order.LiveReads);
    }

    [Fact]
    public async Task A_name_that_is_not_a_ServerPower_is_InvalidSpec_and_nothing_is_sent()
    {
        f.AddServer(DesiredPowerState.Running, PowerState.Stopped, s => s.Spec = s.Spec with { StartAfter = ["dbb"] });
        await ReconcileAsync();
        Assert.Empty(f.Provider.Sent);
        Assert.Equal(Reasons.InvalidSpec, f.Condition(ConditionTypes.Synced)?.Reason);
        Assert.Contains("dbb", f.Condition(ConditionTypes.Synced)?.Message);
    }

    public async ValueTask DisposeAsync()
    {
        runner.Dispose();
        await service.DisposeAsync();
    }

    /// <summary>The start order, counting the reads of dependencies from the API server.</summary>
    private sealed class CountingOrder(IStartOrder order) : IStartOrder
    {
        public int LiveReads { get; private set; }

        public DependencyView? Of(ServerPowerResource server) => order.Of(server);

        public Task<DependencyView?> OfLiveAsync(ServerPowerResource server, CancellationToken cancellationToken)
        {
            LiveReads++;
            return order.OfLiveAsync(server, cancellationToken);
        }
    }

    /// <summary>A cache that has not seen <paramref name="stale"/>'s last change: it answers with that older copy.</summary>
    private sealed class SnapshotGraph(IServerGraph current, ServerPowerResource stale) : IServerGraph
    {
        public ServerPowerResource? Get(string ns, string name) => name == stale.Metadata.Name ? stale : current.Get(ns, name);

        public IReadOnlyList<ServerPowerResource> Dependents(string ns, string name) => current.Dependents(ns, name);
    }

    /// <summary>The servers of the in-memory client, found by scanning (the production graph uses the informer's index).</summary>
    private sealed class TestGraph(InMemoryResourceClient kube, List<string> names) : IServerGraph
    {
        public ServerPowerResource? Get(string ns, string name) => kube.HasServer(ns, name) ? kube.Server(ns, name) : null;

        public IReadOnlyList<ServerPowerResource> Dependents(string ns, string name) =>
            names.Select(n => Get(ns, n)).OfType<ServerPowerResource>().Where(s => s.Spec.StartAfter?.Contains(name) == true).ToList();
    }
}
