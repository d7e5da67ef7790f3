using Microsoft.Extensions.DependencyInjection;
using ServerPower.Api.Resources;
using ServerPower.Operator.Hosting;
using ServerPower.Runtime;

namespace ServerPower.Runtime.Tests;

/// <summary>The operator's own registrations (OperatorHost.AddServerPowerControllers) on fake list+watches.</summary>
public sealed class ServerPowerWiringTests
{
    private CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_PowerProvider_that_changes_or_goes_enqueues_exactly_the_servers_that_reference_it()
    {
        var servers = new FakeListWatcher<ServerPowerResource>
        {
            ListResult = (_, _) => new([
                Resources.Server("ns", "s1", "1", provider: "acme"),
                Resources.Server("ns", "s2", "2", provider: "other"),
                Resources.Server("elsewhere", "s3", "3", provider: "acme"),
            ], "10", null),
        };
        var providers = new FakeListWatcher<PowerProviderResource>
        {
            ListResult = (_, _) => new([Resources.Provider("ns", "acme", "4")], "10", null),
        };
        var services = new ServiceCollection();
        services.AddSingleton<IListWatcher<ServerPowerResource>>(servers);
        services.AddSingleton<IListWatcher<PowerProviderResource>>(providers);
        services.AddSingleton<IListWatcher<PowerScheduleResource>>(new FakeListWatcher<PowerScheduleResource>());
        services.AddOperatorRuntime(new RuntimeOptions { LeaderElection = new LeaderElectionOptions { Enabled = false } });
        services.AddServerPowerControllers();
        await using var provider = services.BuildServiceProvider();
        // The manager attaches its queues to the informers when it is built; its workers never run here.
        var manager = provider.GetRequiredService<ControllerManager>();
        var queue = manager.Queue(OperatorHost.ServerControllerName);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var informers = Task.WhenAll(manager.Informers.Select(i => i.RunAsync(cts.Token)));
        await Task.WhenAll(manager.Informers.Select(i => i.Synced)).WaitAsync(Eventually.Deadline, Ct);
        await Eventually.Until(() => providers.Watches.Count == 1 && servers.Watches.Count == 1, "watching");
        Assert.Equal(3, (await Drain(queue)).Count);
        Assert.Equal(["s1"], provider.GetRequiredService<ICacheReader>()
            .ByIndex<ServerPowerResource>(ServerIndexes.ProviderRef, "ns/acme").Select(s => s.Metadata.Name));

        var acme = Resources.Provider("ns", "acme", "20");
        acme.Status = new PowerProviderStatus { ObservedGeneration = 1 };
        providers.Watch(0).Send(WatchEventKind.Modified, acme);
        await Eventually.Until(() => providers.Watch(0).Consumed == 1, "status change handled");
        Assert.Equal([new ObjectKey("ns", "s1")], await Drain(queue));

        providers.Watch(0).Send(WatchEventKind.Deleted, acme);
        await Eventually.Until(() => providers.Watch(0).Consumed == 2, "deletion handled");
        Assert.Equal([new ObjectKey("ns", "s1")], await Drain(queue));

        await cts.CancelAsync();
        await informers;
    }

    [Fact]
    public async Task A_PowerSchedule_that_changes_or_goes_enqueues_exactly_the_servers_that_follow_it()
    {
        static ServerPowerResource Scheduled(string ns, string name, string schedule) => Follow(Resources.Server(ns, name, "1"), schedule);
        var servers = new FakeListWatcher<ServerPowerResource>
        {
            ListResult = (_, _) => new([
                Scheduled("ns", "s1", "office"),
                Scheduled("ns", "s2", "office"),
                Scheduled("ns", "s3", "night"),
                Resources.Server("ns", "s4", "4"),
                Scheduled("elsewhere", "s5", "office"),
            ], "10", null),
        };
        var schedules = new FakeListWatcher<PowerScheduleResource>
        {
            ListResult = (_, _) => new([Schedule("ns", "office", "5")], "10", null),
        };
        var services = new ServiceCollection();
        services.AddSingleton<IListWatcher<ServerPowerResource>>(servers);
        services.AddSingleton<IListWatcher<PowerProviderResource>>(new FakeListWatcher<PowerProviderResource>());
        services.AddSingleton<IListWatcher<PowerScheduleResource>>(schedules);
        services.AddOperatorRuntime(new RuntimeOptions { LeaderElection = new LeaderElectionOptions { Enabled = false } });
        services.AddServerPowerControllers();
        await using var provider = services.BuildServiceProvider();
        var manager = provider.GetRequiredService<ControllerManager>();
        var queue = manager.Queue(OperatorHost.ServerControllerName);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var informers = Task.WhenAll(manager.Informers.Select(i => i.RunAsync(cts.Token)));
        await Task.WhenAll(manager.Informers.Select(i => i.Synced)).WaitAsync(Eventually.Deadline, Ct);
        await Eventually.Until(() => schedules.Watches.Count == 1 && servers.Watches.Count == 1, "watching");
        await Drain(queue);
        Assert.Equal(["s1", "s2"], provider.GetRequiredService<ICacheReader>()
            .ByIndex<ServerPowerResource>(ServerIndexes.ScheduleRef, "ns/office").Select(s => s.Metadata.Name).Order());

        var changed = Schedule("ns", "office", "20");
        changed.Metadata.Generation = 2;
        schedules.Watch(0).Send(WatchEventKind.Modified, changed);
        await Eventually.Until(() => schedules.Watch(0).Consumed == 1, "change handled");
        Assert.Equal([new ObjectKey("ns", "s1"), new ObjectKey("ns", "s2")], (await Drain(queue)).OrderBy(k => k.Name));

        schedules.Watch(0).Send(WatchEventKind.Deleted, changed);
        await Eventually.Until(() => schedules.Watch(0).Consumed == 2, "deletion handled");
        Assert.Equal([new ObjectKey("ns", "s1"), new ObjectKey("ns", "s2")], (await Drain(queue)).OrderBy(k => k.Name));
        Assert.NotNull(manager.Queue(OperatorHost.ScheduleControllerName));

        await cts.CancelAsync();
        await informers;
    }

    private static ServerPowerResource Follow(ServerPowerResource server, string schedule)
    {
        server.Spec = server.Spec with { State = DesiredPowerState.Scheduled, ScheduleRef = new LocalObjectReference { Name = schedule } };
        return server;
    }

    private static PowerScheduleResource Schedule(string ns, string name, string rv) => new()
    {
        Metadata = new k8s.Models.V1ObjectMeta { NamespaceProperty = ns, Name = name, ResourceVersion = rv, Generation = 1 },
    };

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
