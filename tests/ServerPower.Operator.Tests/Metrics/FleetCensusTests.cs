using k8s.Models;
using ServerPower.Api.Resources;
using ServerPower.Operator.Metrics;

namespace ServerPower.Operator.Tests.Metrics;

public sealed class FleetCensusTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 5, 9, 0, 0, TimeSpan.Zero);

    private static ServerPowerResource Server(string ns, string? ready, string reason = "", TimeSpan? since = null,
        OneShotPhase? restart = null, OneShotPhase? rebuild = null) => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = Guid.NewGuid().ToString("N"), NamespaceProperty = ns, CreationTimestamp = (Now - TimeSpan.FromHours(2)).UtcDateTime,
        },
        Spec = new ServerPowerSpec { ProviderRef = new LocalObjectReference { Name = "p" }, ServerId = "1" },
        Status = new ServerPowerStatus
        {
            PowerState = PowerState.Running,
            Conditions = ready is null ? null : [new Condition { Type = "Ready", Status = ready, Reason = reason, LastTransitionTime = Now - (since ?? TimeSpan.Zero) }],
            Restart = restart is { } r ? new OneShotStatus { Token = "t", Phase = r } : null,
            Rebuild = rebuild is { } b ? new OneShotStatus { Token = "t", Phase = b } : null,
        },
    };

    [Fact]
    public void Servers_not_Ready_are_counted_by_namespace_and_reason_with_the_longest_time_since_Ready_changed()
    {
        var census = FleetCensus.Take(
        [
            Server("games", "True", "InDesiredState", TimeSpan.FromDays(3)),
            Server("games", "False", "ProviderError", TimeSpan.FromMinutes(5)),
            Server("games", "False", "ProviderError", TimeSpan.FromMinutes(40)),
            Server("games", "False", "ProbeFailing", TimeSpan.FromMinutes(1)),
            Server("vps", "False", "ProviderError", TimeSpan.FromSeconds(30)),
            Server("vps", null),
        ], Now);

        Assert.Equal(new Dictionary<(string, string), Mismatch>
        {
            [("games", "ProviderError")] = new(2, 2400),
            [("games", "ProbeFailing")] = new(1, 60),
            [("vps", "ProviderError")] = new(1, 30),
            [("vps", "Unknown")] = new(1, 7200), // no Ready condition yet: since the object was created
        }, census.NotInDesiredState);
        Assert.Equal(1, census.Servers[("Running", "True")]);
        Assert.Equal(4, census.Servers[("Running", "False")]);
        Assert.Equal(1, census.Servers[("Running", "Unknown")]);
    }

    [Fact]
    public void One_shots_are_counted_by_namespace_action_and_the_phase_of_the_last_token()
    {
        var census = FleetCensus.Take(
        [
            Server("games", "True", restart: OneShotPhase.Done, rebuild: OneShotPhase.Uncertain),
            Server("games", "True", restart: OneShotPhase.Done),
            Server("vps", "True", restart: OneShotPhase.Uncertain),
            Server("vps", "True"),
        ], Now);

        Assert.Equal(new Dictionary<(string, string, string), int>
        {
            [("games", "restart", "Done")] = 2,
            [("games", "rebuild", "Uncertain")] = 1,
            [("vps", "restart", "Uncertain")] = 1,
        }, census.OneShots);
    }

    [Fact]
    public void A_thousand_servers_give_no_more_label_sets_than_ten_with_the_same_namespaces_and_reasons()
    {
        string[] namespaces = ["a", "b", "c"];
        string[] reasons = ["ProviderError", "ProbeFailing", "InDesiredState"];
        IReadOnlyList<ServerPowerResource> Fleet(int count) => [.. Enumerable.Range(0, count).Select(i => Server(
            namespaces[i % 3], i % 3 == 2 ? "True" : "False", reasons[i % 3], TimeSpan.FromSeconds(i),
            restart: (OneShotPhase)(i % 5), rebuild: (OneShotPhase)(i % 5)))];

        var small = FleetCensus.Take(Fleet(15), Now);
        var large = FleetCensus.Take(Fleet(1000), Now);

        Assert.Equal(small.Servers.Keys.Order(), large.Servers.Keys.Order());
        Assert.Equal(small.NotInDesiredState.Keys.Order(), large.NotInDesiredState.Keys.Order());
        Assert.Equal(small.OneShots.Keys.Order(), large.OneShots.Keys.Order());
        Assert.Equal(1000, large.Servers.Values.Sum());
    }
}
