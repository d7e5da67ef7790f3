using k8s;
using k8s.Models;
using ServerPower.Api.Resources;
using ServerPower.Api.Vocabulary;
using ServerPower.Operator.Decision;
using ServerPower.Operator.Ordering;
using ServerPower.Runtime;

namespace ServerPower.Operator.Tests.Ordering;

public sealed class DependencyResolverTests
{
    private static readonly DateTime T0 = new(2026, 11, 30, 10, 0, 0, DateTimeKind.Utc);

    /// <summary>A cached server: its startAfter, and the status its own reconcile wrote.</summary>
    public static ServerPowerResource Server(string name, string[]? startAfter = null, bool ready = true,
        DesiredPowerState desired = DesiredPowerState.Running, PowerState power = PowerState.Running, DesiredPowerState? declared = null) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "games", Generation = 1 },
        Spec = new ServerPowerSpec { ServerId = name, State = declared ?? desired, StartAfter = startAfter },
        Status = new ServerPowerStatus
        {
            ObservedGeneration = 1, DesiredState = desired == DesiredPowerState.Running ? TargetPowerState.Running : TargetPowerState.Stopped, PowerState = power,
            Conditions = [new Api.Resources.Condition { Type = ConditionTypes.Ready, Status = ready ? "True" : "False", Reason = "x", LastTransitionTime = T0 }],
        },
    };

    public static ServerGraph Graph(params ServerPowerResource[] servers) => new(StoreCache.Of(servers).Cache);

    [Fact]
    public void No_order_at_all_is_null()
    {
        var app = Server("app");
        Assert.Null(DependencyResolver.Resolve(app, Graph(app, Server("db"))));
    }

    [Fact]
    public void Names_that_are_not_Ready_with_desired_Running_are_waited_for()
    {
        var app = Server("app", ["db", "cache", "search"]);
        var graph = Graph(app, Server("db"), Server("cache", ready: false), Server("search", desired: DesiredPowerState.Stopped, power: PowerState.Stopped));
        var view = DependencyResolver.Resolve(app, graph)!;
        Assert.Equal(["cache", "search"], view.NotReady);
        Assert.Null(view.Invalid);
    }

    [Fact]
    public void A_status_of_an_older_generation_does_not_count_as_up()
    {
        var db = Server("db");
        db.Metadata.Generation = 2;
        var app = Server("app", ["db"]);
        Assert.Equal(["db"], DependencyResolver.Resolve(app, Graph(app, db))!.NotReady);
    }

    [Fact]
    public void A_missing_name_is_invalid_and_named()
    {
        var app = Server("app", ["db", "dbb"]);
        var view = DependencyResolver.Resolve(app, Graph(app, Server("db")))!;
        Assert.Equal("spec.startAfter names dbb, which is not a ServerPower in namespace games", view.Invalid);
    }

    [Fact]
    public void Several_missing_names_are_listed_together()
    {
        var app = Server("app", ["db", "x", "y"]);
        var view = DependencyResolver.Resolve(app, Graph(app, Server("db")))!;
        Assert.Equal("spec.startAfter names x, y, which are not a ServerPower in namespace games", view.Invalid);
    }

    [Fact]
    public void A_cycle_is_invalid_and_named_along_its_path()
    {
        var a = Server("a", ["b"]);
        var graph = Graph(a, Server("b", ["c"]), Server("c", ["a"]));
        Assert.Equal("spec.startAfter forms a cycle: a → b → c → a", DependencyResolver.Resolve(a, graph)!.Invalid);
    }

    [Fact]
    public void Listing_itself_is_a_cycle()
    {
        var a = Server("a", ["a"]);
        Assert.Equal("spec.startAfter forms a cycle: a → a", DependencyResolver.Resolve(a, Graph(a))!.Invalid);
    }

    [Fact]
    public void A_cycle_further_down_does_not_make_this_server_invalid()
    {
        var app = Server("app", ["b"]);
        var graph = Graph(app, Server("b", ["c"], ready: false), Server("c", ["b"], ready: false));
        var view = DependencyResolver.Resolve(app, graph)!;
        Assert.Null(view.Invalid);
        Assert.Equal(["b"], view.NotReady);
    }

    [Theory]
    [InlineData(DesiredPowerState.Stopped, PowerState.Running, true)]
    [InlineData(DesiredPowerState.Stopped, PowerState.Stopping, true)]
    // Found by the simulation: a dependent declared Stopped while still starting (or rebuilding) is up soon and stopped
    // after; what it lists waits for that too.
    [InlineData(DesiredPowerState.Stopped, PowerState.Starting, true)]
    [InlineData(DesiredPowerState.Stopped, PowerState.Busy, true)]
    [InlineData(DesiredPowerState.Stopped, PowerState.Stopped, false)]
    [InlineData(DesiredPowerState.Stopped, PowerState.Unknown, false)]
    [InlineData(DesiredPowerState.Running, PowerState.Running, false)]
    public void Dependents_being_stopped_that_still_run_hold_the_stop(DesiredPowerState dependentDesired, PowerState dependentPower, bool holds)
    {
        var db = Server("db", desired: DesiredPowerState.Stopped);
        var app = Server("app", ["db"], desired: dependentDesired, power: dependentPower);
        var view = DependencyResolver.Resolve(db, Graph(db, app))!;
        Assert.Equal(holds ? ["app"] : [], view.StoppingDependents);
    }

    [Theory]
    [InlineData("declared Running and running: its stop may be on its way", DesiredPowerState.Running, DesiredPowerState.Running, PowerState.Running, false, false, true)]
    [InlineData("still starting", DesiredPowerState.Running, DesiredPowerState.Running, PowerState.Starting, false, false, true)]
    [InlineData("already stopped: nothing to wait for", DesiredPowerState.Running, DesiredPowerState.Running, PowerState.Stopped, false, false, false)]
    [InlineData("declared Stopped, status not updated: a stopping dependent instead", DesiredPowerState.Running, DesiredPowerState.Stopped, PowerState.Running, false, false, false)]
    [InlineData("effectively Stopped (a schedule): a stopping dependent instead", DesiredPowerState.Stopped, DesiredPowerState.Scheduled, PowerState.Running, false, false, false)]
    [InlineData("suspended: the operator sends it nothing", DesiredPowerState.Running, DesiredPowerState.Running, PowerState.Running, true, false, false)]
    [InlineData("being deleted (Orphan): it will not be stopped", DesiredPowerState.Running, DesiredPowerState.Running, PowerState.Running, false, true, false)]
    public void Dependents_still_declared_Running_are_named_for_the_stop_order_window(string row, DesiredPowerState desired, DesiredPowerState declared,
        PowerState power, bool suspend, bool deleted, bool named)
    {
        var db = Server("db", desired: DesiredPowerState.Stopped);
        var app = Server("app", ["db"], desired: desired, power: power, declared: declared);
        app.Spec = app.Spec with { Suspend = suspend };
        if (deleted) app.Metadata.DeletionTimestamp = T0;
        var view = DependencyResolver.Resolve(db, Graph(db, app))!;
        Assert.True((named ? new[] { "app" } : []).SequenceEqual(view.RunningDependents ?? []), $"{row}: [{string.Join(", ", view.RunningDependents ?? [])}]");
    }

    /// <summary>
    /// A dependent whose power state the operator does not know (never reconciled yet, or unread since a provider error)
    /// may still run: the stop waits the stop-order window for it to be known (found by the simulation: at the first
    /// start, and after an account's 429, a database stopped together with the app that lists it). Bounded by the
    /// window, so a dependent whose state is never known does not hold the stop for ever.
    /// </summary>
    [Theory]
    [InlineData("not reconciled yet, declared Running", DesiredPowerState.Running, false, null, null, false, true)]
    [InlineData("not reconciled yet, declared Stopped", DesiredPowerState.Stopped, false, null, null, false, true)]
    [InlineData("unread since a provider error, declared Stopped", DesiredPowerState.Stopped, true, null, null, false, true)]
    [InlineData("unknown after its stop was accepted at a state-blind provider", DesiredPowerState.Stopped, true, ActionType.Stop, "requested", false, false)]
    [InlineData("unknown after its kill was accepted and seen to take effect", DesiredPowerState.Stopped, true, ActionType.Kill, null, true, false)]
    [InlineData("unknown after its stop was seen to take effect", DesiredPowerState.Stopped, true, ActionType.Stop, null, true, false)]
    // Simulation seed 1735: the dependent's stop was accepted, it was still stopping, then its read failed.
    [InlineData("unread after its stop was accepted, before it was seen to take effect", DesiredPowerState.Stopped, true, ActionType.Stop, null, false, true)]
    public void Dependents_whose_state_is_unknown_are_named_for_the_stop_order_window(string row, DesiredPowerState declared, bool hasStatus, ActionType? accepted,
        string? providerState, bool settled, bool named)
    {
        var db = Server("db", desired: DesiredPowerState.Stopped);
        var app = Server("app", ["db"], desired: declared, power: PowerState.Unknown);
        app.Status = !hasStatus ? null : app.Status! with
        {
            ProviderState = providerState,
            LastAction = accepted is { } type
                ? new LastAction { Type = type, RequestTime = T0, Result = ActionResult.Accepted, SettledTime = settled ? T0.AddSeconds(5) : null }
                : null,
        };
        var view = DependencyResolver.Resolve(db, Graph(db, app))!;
        Assert.True((named ? new[] { "app" } : []).SequenceEqual(view.RunningDependents ?? []), $"{row}: [{string.Join(", ", view.RunningDependents ?? [])}]");
        Assert.Empty(view.StoppingDependents);
    }

    [Theory]
    [InlineData("being deleted with deletionPolicy Stop: the operator stops it", true, DeletionPolicy.Stop, true)]
    [InlineData("being deleted with deletionPolicy Orphan: it keeps running", true, DeletionPolicy.Orphan, false)]
    [InlineData("not being deleted, deletionPolicy Stop, declared Running", false, DeletionPolicy.Stop, false)]
    public void A_dependent_being_deleted_holds_the_stop_only_when_its_deletion_stops_it(string row, bool deleted, DeletionPolicy policy, bool holds)
    {
        var db = Server("db", desired: DesiredPowerState.Stopped);
        var app = Server("app", ["db"]);
        app.Spec = app.Spec with { DeletionPolicy = policy };
        if (deleted) app.Metadata.DeletionTimestamp = T0;
        var view = DependencyResolver.Resolve(db, Graph(db, app))!;
        Assert.True((holds ? new[] { "app" } : []).SequenceEqual(view.StoppingDependents), $"{row}: [{string.Join(", ", view.StoppingDependents)}]");
    }

    [Fact]
    public void Dependents_are_named_in_name_order()
    {
        var db = Server("db", desired: DesiredPowerState.Stopped);
        var web = Server("web", ["db"], desired: DesiredPowerState.Stopped);
        var app = Server("app", ["db"], desired: DesiredPowerState.Stopped);
        Assert.Equal(["app", "web"], DependencyResolver.Resolve(db, Graph(db, web, app))!.StoppingDependents);
    }

    [Fact]
    public void A_dependent_declared_Stopped_whose_status_is_not_yet_updated_holds_the_stop()
    {
        var db = Server("db", desired: DesiredPowerState.Stopped);
        var app = Server("app", ["db"], desired: DesiredPowerState.Running, declared: DesiredPowerState.Stopped);
        Assert.Equal(["app"], DependencyResolver.Resolve(db, Graph(db, app))!.StoppingDependents);
    }

    [Fact]
    public void Suspended_or_observed_dependents_never_hold_a_stop()
    {
        var db = Server("db", desired: DesiredPowerState.Stopped);
        var suspended = Server("app", ["db"], desired: DesiredPowerState.Stopped);
        suspended.Spec = suspended.Spec with { Suspend = true };
        var observed = Server("web", ["db"], desired: DesiredPowerState.Stopped);
        observed.Spec = observed.Spec with { ManagementPolicy = ManagementPolicy.Observe };
        Assert.Empty(DependencyResolver.Resolve(db, Graph(db, suspended, observed))!.StoppingDependents);
    }

    [Fact]
    public void The_index_follows_changes_of_startAfter()
    {
        var (store, cache) = StoreCache.Of(Server("app", ["db"]));
        var graph = new ServerGraph(cache);
        Assert.Equal(["app"], graph.Dependents("games", "db").Select(s => s.Metadata.Name));
        store.Set(Server("app", ["cache"]));
        Assert.Empty(graph.Dependents("games", "db"));
        Assert.Equal(["app"], graph.Dependents("games", "cache").Select(s => s.Metadata.Name));
    }

    /// <summary>A change to a server requeues the servers that list it: they are filed under its namespace/name.</summary>
    [Fact]
    public void The_servers_that_list_a_server_are_filed_under_its_name()
    {
        var db = Server("db");
        var (store, _) = StoreCache.Of(db, Server("app", ["db"]), Server("web", ["cache"]));
        Assert.Equal(["games/db"], ServerGraph.NameOf(db));
        Assert.Equal(["app"], store.ByIndex(ServerGraph.StartAfterIndex, ServerGraph.NameOf(db).Single()).Select(s => s.Metadata.Name));
    }

    [Fact]
    public async Task A_server_that_lists_nothing_reads_nothing_live()
    {
        var app = Server("app");
        var graph = Graph(app, Server("db"));
        var reader = new RecordingReader(graph);
        Assert.Null(await new StartOrder(graph, reader).OfLiveAsync(app, CancellationToken.None));
        Assert.Empty(reader.Read);
    }

    /// <summary>The API server as the graph holds it, recording the names read.</summary>
    private sealed class RecordingReader(IServerGraph graph) : ILiveServerReader
    {
        public List<string> Read { get; } = [];

        public Task<ServerPowerResource?> GetLiveAsync(string ns, string name, CancellationToken cancellationToken)
        {
            Read.Add(name);
            return Task.FromResult(graph.Get(ns, name));
        }
    }

    /// <summary>A ServerPower store with the startAfter index, read through <see cref="ICacheReader"/>.</summary>
    private sealed class StoreCache(ObjectStore<ServerPowerResource> store) : ICacheReader
    {
        public ObjectStore<ServerPowerResource> Store => store;

        public static (ObjectStore<ServerPowerResource> Store, ICacheReader Cache) Of(params ServerPowerResource[] servers)
        {
            var store = new ObjectStore<ServerPowerResource>();
            store.AddIndex(ServerGraph.StartAfterIndex, ServerGraph.StartAfterOf);
            foreach (var s in servers) store.Set(s);
            return (store, new StoreCache(store));
        }

        public T? Get<T>(ObjectKey key) where T : class, IKubernetesObject<V1ObjectMeta> => store.Get(key) as T;

        public IReadOnlyList<T> List<T>() where T : class, IKubernetesObject<V1ObjectMeta> => store.List().Cast<T>().ToList();

        public IReadOnlyList<T> ByIndex<T>(string index, string value) where T : class, IKubernetesObject<V1ObjectMeta> =>
            store.ByIndex(index, value).Cast<T>().ToList();

        public bool HasSynced<T>() where T : class, IKubernetesObject<V1ObjectMeta> => true;

        public Task<bool> CaughtUpAsync<T>(string @namespace, string resourceVersion, TimeSpan timeout, CancellationToken cancellationToken)
            where T : class, IKubernetesObject<V1ObjectMeta> => Task.FromResult(true);
    }
}
