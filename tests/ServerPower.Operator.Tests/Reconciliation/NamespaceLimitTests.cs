using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using ServerPower.Api.Resources;
using ServerPower.Api.Vocabulary;
using ServerPower.Operator.Reconciliation;
using ServerPower.Runtime;
using ServerPower.Operator.Tests.Probing;
using ServerPower.Operator.Probing;

namespace ServerPower.Operator.Tests.Reconciliation;

/// <summary>
/// ServerPowers beyond --max-servers-per-namespace: the oldest are served, the others are told so (Ready and Synced
/// NamespaceLimitExceeded, one Warning event) and cost no provider call; a deletion lets the next one in.
/// </summary>
public sealed class NamespaceLimitTests
{
    private static readonly DateTime T0 = new(2026, 11, 1, 0, 0, 0, DateTimeKind.Utc);

    private static ServerPowerResource Server(string ns, string name, int minute) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns, CreationTimestamp = T0.AddMinutes(minute), Generation = 1 },
        Spec = new ServerPowerSpec { ProviderRef = new LocalObjectReference { Name = "main" }, ServerId = "1234", State = DesiredPowerState.Running },
    };

    /// <summary>The fixture's server declared Running behind an older one in a namespace that serves one, and the gate.</summary>
    private static (ReconcilerFixture F, NamespaceQuota Quota, NamespaceLimitGate Gate) BehindOlder(PowerState observed, Action<ServerPowerResource> configure)
    {
        var f = new ReconcilerFixture();
        var quota = new NamespaceQuota(1, CallbackServerQueue.None);
        f.Kube.Put(Server(ReconcilerFixture.Ns, "older", 0));
        quota.OnAdd(Server(ReconcilerFixture.Ns, "older", 0), relist: true);
        f.AddServer(DesiredPowerState.Running, observed, configure);
        quota.OnAdd(f.Server, relist: true);
        return (f, quota, new NamespaceLimitGate(f.Reconciler, quota, f.Kube, f, f.Time, ReadinessProbesOff.Instance));
    }

    [Fact]
    public void The_oldest_are_served_whatever_order_they_arrive_in_and_each_namespace_counts_alone()
    {
        var quota = new NamespaceQuota(2, CallbackServerQueue.None);
        foreach (var (name, minute) in new[] { ("c", 3), ("a", 1), ("d", 3), ("b", 2) }) quota.OnAdd(Server("t1", name, minute), relist: true);
        quota.OnAdd(Server("t2", "z", 9), relist: true);

        Assert.Null(quota.Exceeded(new ObjectKey("t1", "a")));
        Assert.Null(quota.Exceeded(new ObjectKey("t1", "b")));
        Assert.Equal(4, quota.Exceeded(new ObjectKey("t1", "c")));
        Assert.Equal(4, quota.Exceeded(new ObjectKey("t1", "d")));
        Assert.Null(quota.Exceeded(new ObjectKey("t2", "z")));
    }

    [Fact]
    public void A_deletion_lets_the_next_oldest_in_and_says_so()
    {
        var changed = new List<ObjectKey>();
        var quota = new NamespaceQuota(2, new CallbackServerQueue(changed.Add));
        var servers = new[] { Server("t1", "a", 1), Server("t1", "b", 2), Server("t1", "c", 3) };
        foreach (var s in servers) quota.OnAdd(s, relist: false);
        Assert.Empty(changed);

        quota.OnDelete(servers[0]);

        Assert.Equal([new ObjectKey("t1", "c")], changed);
        Assert.Null(quota.Exceeded(new ObjectKey("t1", "c")));
    }

    [Fact]
    public void No_limit_tracks_nothing()
    {
        var quota = new NamespaceQuota(0, CallbackServerQueue.None);
        for (var i = 0; i < 5; i++) quota.OnAdd(Server("t1", $"s{i}", i), relist: true);
        Assert.Null(quota.Exceeded(new ObjectKey("t1", "s4")));
    }

    [Fact]
    public async Task A_server_beyond_the_limit_is_told_so_once_and_never_reaches_its_provider()
    {
        var (f, quota, gate) = BehindOlder(PowerState.Stopped, s => s.Metadata.CreationTimestamp = T0.AddMinutes(5));

        Assert.Equal(ReconcileResult.Done, await gate.ReconcileAsync(ReconcilerFixture.Key, CancellationToken.None));
        Assert.Equal([(true, Reasons.NamespaceLimitExceeded)], f.Events.Select(e => (e.Warning, e.Reason))); // at the first pass
        await gate.ReconcileAsync(ReconcilerFixture.Key, CancellationToken.None);

        foreach (var type in new[] { ConditionTypes.Ready, ConditionTypes.Synced })
        {
            var condition = f.Condition(type);
            Assert.Equal(("False", Reasons.NamespaceLimitExceeded), (condition?.Status, condition?.Reason));
            Assert.Equal($"namespace \"{ReconcilerFixture.Ns}\" holds 2 ServerPowers and the operator serves the oldest 1 " +
                "(--max-servers-per-namespace): this one is not reconciled, probed or acted on until older ones are deleted", condition?.Message);
        }
        Assert.Equal([(true, Reasons.NamespaceLimitExceeded)], f.Events.Select(e => (e.Warning, e.Reason)));
        Assert.Equal(0, f.Provider.Reads);
        Assert.Empty(f.Provider.Sent);

        quota.OnDelete(Server(ReconcilerFixture.Ns, "older", 0));
        await gate.ReconcileAsync(ReconcilerFixture.Key, CancellationToken.None);
        Assert.Equal([("1234", ActionType.Start)], f.Provider.Sent);
        Assert.NotEqual(Reasons.NamespaceLimitExceeded, f.Condition(ConditionTypes.Synced)?.Reason);
    }

    /// <summary>
    /// The gate's status write is checked against the version it read: a server edited meanwhile (say, its status
    /// written by a reconcile that began before the limit applied) gets a conflict and a requeue, not an overwrite.
    /// Its probe is stopped.
    /// </summary>
    [Fact]
    public async Task A_server_beyond_the_limit_changed_meanwhile_is_not_overwritten_and_is_no_longer_probed()
    {
        var (f, quota, _) = BehindOlder(PowerState.Stopped, s => s.Metadata.CreationTimestamp = T0.AddMinutes(5));
        var probes = new RecordingProbes();
        var gate = new NamespaceLimitGate(f.Reconciler, quota, f.Kube, f, f.Time, probes);
        f.Kube.BeforeWrite = _ =>
        {
            f.Kube.BeforeWrite = null;
            f.Edit(s => s.Status = new ServerPowerStatus { PowerState = PowerState.Running, ProviderState = "written meanwhile" });
        };

        Assert.True((await gate.ReconcileAsync(ReconcilerFixture.Key, CancellationToken.None)).Conflict);
        Assert.Equal("written meanwhile", f.Server.Status?.ProviderState);
        Assert.Equal([(ReconcilerFixture.Key, (ReadinessProbeSpec?)null)], probes.Tracked);
    }

    private sealed class RecordingProbes : IReadinessProbes
    {
        public List<(ObjectKey Key, ReadinessProbeSpec? Probe)> Tracked { get; } = [];

        public void Track(ObjectKey key, ReadinessProbeSpec? probe, DateTimeOffset? since) => Tracked.Add((key, probe));

        public ServerPower.Operator.Decision.ReadinessView? View(ObjectKey key, ReadinessProbeSpec probe, DateTimeOffset? since) => null;
    }

    [Fact]
    public async Task A_server_beyond_the_limit_keeps_what_its_status_recorded_and_its_deletion_goes_on()
    {
        var (f, _, gate) = BehindOlder(PowerState.Running, s =>
        {
            s.Metadata.CreationTimestamp = T0.AddMinutes(5);
            s.Status = new ServerPowerStatus { PowerState = PowerState.Running, ProviderState = "running" };
        });

        await gate.ReconcileAsync(ReconcilerFixture.Key, CancellationToken.None);
        Assert.Equal((PowerState.Running, "running"), (f.Server.Status?.PowerState, f.Server.Status?.ProviderState));

        f.Edit(s =>
        {
            s.Metadata.Finalizers = [Annotations.StopFinalizer];
            s.Metadata.DeletionTimestamp = f.Time.GetUtcNow().UtcDateTime;
        });
        await gate.ReconcileAsync(ReconcilerFixture.Key, CancellationToken.None);
        Assert.False(f.Kube.HasServer(ReconcilerFixture.Ns, ReconcilerFixture.Key.Name)); // the reconciler let it go (Orphan)
    }
}
