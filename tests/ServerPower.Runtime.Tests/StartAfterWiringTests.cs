using k8s.Models;
using Microsoft.Extensions.DependencyInjection;
using ServerPower.Api.Resources;
using ServerPower.Api.Vocabulary;
using ServerPower.Operator.Hosting;
using ServerPower.Operator.Ordering;
using ServerPower.Runtime;

namespace ServerPower.Runtime.Tests;

/// <summary>spec.startAfter in the operator's registrations: a server's change enqueues its dependents (index) and what it lists.</summary>
public sealed class StartAfterWiringTests
{
    private CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ServerPowerResource Server(string name, string rv, bool ready, params string[] startAfter)
    {
        var server = Resources.Server("ns", name, rv);
        server.Spec = server.Spec with { StartAfter = startAfter.Length > 0 ? startAfter : null };
        server.Status = new ServerPowerStatus
        {
            ObservedGeneration = 1, DesiredState = TargetPowerState.Running, PowerState = PowerState.Running,
            Conditions = [new Condition { Type = ConditionTypes.Ready, Status = ready ? "True" : "False", Reason = "x", LastTransitionTime = DateTime.UnixEpoch }],
        };
        return server;
    }

    [Fact]
    public async Task A_readiness_change_enqueues_the_servers_that_list_it_and_those_it_lists_and_no_others()
    {
        var servers = new FakeListWatcher<ServerPowerResource>
        {
            ListResult = (_, _) => new([
                Server("db", "1", true), Server("app", "2", false, "db"), Server("web", "3", false, "app"), Server("other", "4", false),
            ], "10", null),
        };
        var services = new ServiceCollection();
        services.AddSingleton<IListWatcher<ServerPowerResource>>(servers);
        services.AddSingleton<IListWatcher<PowerProviderResource>>(new FakeListWatcher<PowerProviderResource>());
        services.AddSingleton<IListWatcher<PowerScheduleResource>>(new FakeListWatcher<PowerScheduleResource>());
        services.AddOperatorRuntime(new RuntimeOptions { LeaderElection = new LeaderElectionOptions { Enabled = false } });
        services.AddReadinessProbesAndOrder(probes: false);
        services.AddServerPowerControllers();
        await using var provider = services.BuildServiceProvider();
        var manager = provider.GetRequiredService<ControllerManager>();
        var queue = manager.Queue(OperatorHost.ServerControllerName);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var informers = Task.WhenAll(manager.Informers.Select(i => i.RunAsync(cts.Token)));
        await Task.WhenAll(manager.Informers.Select(i => i.Synced)).WaitAsync(Eventually.Deadline, Ct);
        await Eventually.Until(() => servers.Watches.Count == 1, "watching");
        await Drain(queue);
        var graph = provider.GetRequiredService<IServerGraph>();
        Assert.Equal(["web"], graph.Dependents("ns", "app").Select(s => s.Metadata.Name));

        servers.Watch(0).Send(WatchEventKind.Modified, Server("app", "20", true, "db"));
        await Eventually.Until(() => servers.Watch(0).Consumed == 1, "status change handled");
        var keys = (await Drain(queue)).Select(k => k.Name).ToHashSet();
        Assert.Contains("web", keys);
        Assert.Contains("db", keys);
        Assert.DoesNotContain("other", keys);

        await cts.CancelAsync();
        await informers;
    }

    private async Task<List<ObjectKey>> Drain(WorkQueue queue)
    {
        var keys = new List<ObjectKey>();
        while (queue.Length > 0 && await queue.GetAsync(Ct) is { } key)
        {
            keys.Add(key);
            queue.Done(key);
        }
        return keys;
    }
}
