using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using ServerPower.Api.Resources;
using ServerPower.Api.Vocabulary;
using ServerPower.Operator.Ownership;
using ServerPower.Operator.Reconciliation;
using ServerPower.Providers.Contract;
using ServerPower.Operator.Probing;

namespace ServerPower.Operator.Tests.Reconciliation;

/// <summary>
/// One owner per server: two ServerPowers that resolve to the same server of the same account never both act (the
/// sandbox's own samples once declared one Wenium server twice and it was started and stopped 9 times in 8 minutes).
/// </summary>
public sealed class ServerOwnershipTests
{
    /// <summary>The informer cache: current, or (<see cref="Behind"/>) the objects as they were when it fell behind, until it catches up.</summary>
    private sealed class Lookup(InMemoryResourceClient kube) : IServerIdLookup
    {
        private List<ServerPowerResource>? behind;

        public bool CanCatchUp { get; set; } = true;

        public int CatchUps { get; private set; }

        public void Behind() => behind = kube.Servers().ToList();

        public IReadOnlyList<ServerPowerResource> Declaring(string serverId) =>
            (behind ?? kube.Servers()).Where(s => CachedServerIdLookup.Normalize(s.Spec.ServerId) == CachedServerIdLookup.Normalize(serverId)).ToList();

        public Task<bool> CatchUpAsync(string @namespace, string resourceVersion, CancellationToken cancellationToken)
        {
            CatchUps++;
            if (CanCatchUp) behind = null;
            return Task.FromResult(CanCatchUp);
        }
    }

    private readonly ReconcilerFixture f = new();
    private readonly Lookup cache;
    private readonly ServerPowerReconciler reconciler;

    public ServerOwnershipTests()
    {
        cache = new Lookup(f.Kube);
        reconciler = f.ReconcilerWith(owners: new ServerOwnership(cache, f.Resolver));
    }

    private void Add(string ns, string name, DesiredPowerState state, int createdSecondsAfter, string provider = "main", string serverId = "1234",
        string? restart = null)
    {
        f.Kube.Put(new ServerPowerResource
        {
            Metadata = new V1ObjectMeta
            {
                Name = name, NamespaceProperty = ns, Generation = 1, Uid = $"{ns}-{name}",
                CreationTimestamp = f.Time.GetUtcNow().UtcDateTime.AddSeconds(createdSecondsAfter),
                Annotations = restart is null ? new Dictionary<string, string>() : new Dictionary<string, string> { [Annotations.Restart] = restart },
            },
            Spec = new ServerPowerSpec { ProviderRef = new LocalObjectReference { Name = provider }, ServerId = serverId, State = state },
        });
    }

    private void AddProvider(string ns, string name, string endpoint, string token)
    {
        f.Kube.PutSecret(ns, $"{name}-token", "token", token);
        f.Kube.Put(new PowerProviderResource
        {
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns },
            Spec = new PowerProviderSpec
            {
                Type = ProviderType.Wenium, Endpoint = endpoint, CredentialsSecretRef = new SecretKeyReference { Name = $"{name}-token", Key = "token" },
            },
        });
    }

    private async Task ReconcileAllAsync()
    {
        foreach (var s in f.Kube.Servers().ToList())
            await reconciler.ReconcileAsync(new(s.Metadata.NamespaceProperty, s.Metadata.Name), CancellationToken.None);
    }

    private Condition? Synced(string ns, string name) => f.Kube.Server(ns, name).Status?.Conditions?.FirstOrDefault(c => c.Type == ConditionTypes.Synced);

    [Fact]
    public async Task Two_declarations_of_one_server_never_both_act_whichever_is_reconciled_first()
    {
        f.Provider.Servers["1234"] = new ObservedServer(PowerState.Stopped, "stopped");
        Add(ReconcilerFixture.Ns, "office", DesiredPowerState.Stopped, createdSecondsAfter: 5);
        Add(ReconcilerFixture.Ns, "db", DesiredPowerState.Running, createdSecondsAfter: 0);
        for (var pass = 0; pass < 5; pass++)
        {
            await ReconcileAllAsync();
            f.Provider.Servers["1234"] = new ObservedServer(f.Provider.Sent.LastOrDefault().Action == ActionType.Start ? PowerState.Running : PowerState.Stopped, "x");
            f.Time.Advance(TimeSpan.FromMinutes(6));
        }
        Assert.Equal([("1234", ActionType.Start)], f.Provider.Sent);
        Assert.Equal(Reasons.ServerConflict, Synced(ReconcilerFixture.Ns, "office")?.Reason);
        Assert.Contains("ServerPower \"db\"", Synced(ReconcilerFixture.Ns, "office")?.Message, StringComparison.Ordinal);
        Assert.Equal(Reasons.ReconcileSucceeded, Synced(ReconcilerFixture.Ns, "db")?.Reason);
    }

    [Fact]
    public async Task A_second_PowerProvider_for_the_same_account_is_the_same_server()
    {
        f.Provider.Servers["1234"] = new ObservedServer(PowerState.Running, "running");
        AddProvider(ReconcilerFixture.Ns, "alias", "https://provider.example.com/api/", "s3cr3t-token");
        Add(ReconcilerFixture.Ns, "first", DesiredPowerState.Running, 0);
        Add(ReconcilerFixture.Ns, "second", DesiredPowerState.Stopped, 1, provider: "alias", restart: "r1");
        await ReconcileAllAsync();
        Assert.Empty(f.Provider.Sent);
        Assert.Equal(Reasons.ServerConflict, Synced(ReconcilerFixture.Ns, "second")?.Reason);
    }

    [Fact]
    public async Task Other_credentials_in_another_namespace_never_conflict_and_the_owner_is_not_named_across_namespaces()
    {
        f.Provider.Servers["1234"] = new ObservedServer(PowerState.Running, "running");
        AddProvider("tenant-b", "main", "https://provider.example.com/api", "another-token");
        AddProvider("tenant-c", "main", "https://provider.example.com/api", "s3cr3t-token");
        Add(ReconcilerFixture.Ns, "owner", DesiredPowerState.Running, 0);
        Add("tenant-b", "squatter", DesiredPowerState.Stopped, -60);
        Add("tenant-c", "shared", DesiredPowerState.Running, 60);
        await ReconcileAllAsync();
        // tenant-b declared the id first, with other credentials: it blocks nobody (its own account's server is its business).
        Assert.NotEqual(Reasons.ServerConflict, Synced(ReconcilerFixture.Ns, "owner")?.Reason);
        Assert.NotEqual(Reasons.ServerConflict, Synced("tenant-b", "squatter")?.Reason);
        var shared = Synced("tenant-c", "shared");
        Assert.Equal(Reasons.ServerConflict, shared?.Reason);
        Assert.Contains("a ServerPower in another namespace", shared?.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("owner", shared?.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// Simulation seed 1331 (with cache lag): an older ServerPower was edited to declare the server while the cache still
    /// showed its old server id, and the newer one stopped the server. The action is recorded, the cache brought up to
    /// that record, and ownership checked again on it: nothing is sent, and the record is undone.
    /// </summary>
    [Fact]
    public async Task An_older_declaration_the_cache_has_not_seen_yet_is_found_before_anything_is_sent()
    {
        f.Provider.Servers["1234"] = new ObservedServer(PowerState.Running, "running");
        Add(ReconcilerFixture.Ns, "mc", DesiredPowerState.Running, 0, serverId: "999");
        Add(ReconcilerFixture.Ns, "web", DesiredPowerState.Stopped, 1);
        cache.Behind();
        f.Kube.Put(Edited(f.Kube.Server(ReconcilerFixture.Ns, "mc"), serverId: "1234"));

        var result = await reconciler.ReconcileAsync(new(ReconcilerFixture.Ns, "web"), CancellationToken.None);

        Assert.Empty(f.Provider.Sent);
        Assert.Equal(1, cache.CatchUps);
        var web = f.Kube.Server(ReconcilerFixture.Ns, "web");
        Assert.Equal(Reasons.ServerConflict, Synced(ReconcilerFixture.Ns, "web")?.Reason);
        Assert.Contains("ServerPower \"mc\"", Synced(ReconcilerFixture.Ns, "web")!.Message);
        Assert.Null(web.Status!.LastAction);
        Assert.False(result.Failed);
    }

    /// <summary>A cache that cannot catch up (its watch is down): nothing is sent, the record is undone, the key is retried.</summary>
    [Fact]
    public async Task Nothing_is_sent_while_the_cache_cannot_catch_up_and_the_record_is_undone()
    {
        f.Provider.Servers["1234"] = new ObservedServer(PowerState.Stopped, "stopped");
        Add(ReconcilerFixture.Ns, "web", DesiredPowerState.Stopped, 0);
        await reconciler.ReconcileAsync(new(ReconcilerFixture.Ns, "web"), CancellationToken.None);
        var before = f.Kube.Server(ReconcilerFixture.Ns, "web").Status;
        f.Kube.Put(Edited(f.Kube.Server(ReconcilerFixture.Ns, "web"), state: DesiredPowerState.Running));
        cache.CanCatchUp = false;

        var result = await reconciler.ReconcileAsync(new(ReconcilerFixture.Ns, "web"), CancellationToken.None);

        Assert.Empty(f.Provider.Sent);
        Assert.True(result.Failed);
        Assert.Contains("has not caught up", result.Error);
        Assert.Null(before!.LastAction);
        Assert.True(ServerPowerReconciler.StatusEquals(before, f.Kube.Server(ReconcilerFixture.Ns, "web").Status!), "the status stored before the record is back");

        cache.CanCatchUp = true;
        await reconciler.ReconcileAsync(new(ReconcilerFixture.Ns, "web"), CancellationToken.None);
        Assert.Equal([("1234", ActionType.Start)], f.Provider.Sent);
    }

    /// <summary>
    /// The writes after a record (its undo, or the conflict found on a caught-up cache) are checked against the
    /// resourceVersion too: another writer in between makes the reconcile a conflict (decided again), never overwritten.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_write_after_the_record_never_overwrites_another_writer(bool cacheCanCatchUp)
    {
        f.Provider.Servers["1234"] = new ObservedServer(PowerState.Running, "running");
        Add(ReconcilerFixture.Ns, "mc", DesiredPowerState.Running, 0, serverId: "999");
        Add(ReconcilerFixture.Ns, "web", DesiredPowerState.Stopped, 1);
        if (cacheCanCatchUp)
        {
            cache.Behind();
            f.Kube.Put(Edited(f.Kube.Server(ReconcilerFixture.Ns, "mc"), serverId: "1234"));
        }
        cache.CanCatchUp = cacheCanCatchUp;
        var statusWrites = 0;
        f.Kube.BeforeWrite = write =>
        {
            // The second status write of web (the first is the record): another writer changes web just before.
            if (write.StartsWith("status", StringComparison.Ordinal) && write.EndsWith(":web", StringComparison.Ordinal) && ++statusWrites == 2)
                f.Kube.Put(f.Kube.Server(ReconcilerFixture.Ns, "web"));
        };

        var result = await reconciler.ReconcileAsync(new(ReconcilerFixture.Ns, "web"), CancellationToken.None);

        Assert.Equal(2, statusWrites);
        Assert.True(result.Conflict);
        Assert.Empty(f.Provider.Sent);
    }

    private static ServerPowerResource Edited(ServerPowerResource server, string? serverId = null, DesiredPowerState? state = null)
    {
        server.Spec = server.Spec with { ServerId = serverId ?? server.Spec.ServerId, State = state ?? server.Spec.State };
        server.Metadata.Generation = (server.Metadata.Generation ?? 1) + 1;
        return server;
    }

    [Fact]
    public async Task The_next_declaration_takes_over_when_the_owner_is_gone()
    {
        f.Provider.Servers["1234"] = new ObservedServer(PowerState.Running, "running");
        Add(ReconcilerFixture.Ns, "first", DesiredPowerState.Running, 0);
        Add(ReconcilerFixture.Ns, "second", DesiredPowerState.Stopped, 1);
        await ReconcileAllAsync();
        Assert.Empty(f.Provider.Sent);

        f.Kube.Delete(ReconcilerFixture.Ns, "first");
        await ReconcileAllAsync();
        Assert.Equal([("1234", ActionType.Stop)], f.Provider.Sent);
        Assert.Equal(Reasons.ReconcileSucceeded, Synced(ReconcilerFixture.Ns, "second")?.Reason);
    }
}
