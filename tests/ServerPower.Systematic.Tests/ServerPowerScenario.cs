using Microsoft.Extensions.Logging.Abstractions;
using ServerPower.Api.Resources;
using ServerPower.Api.Vocabulary;
using ServerPower.Operator.AutoStop;
using ServerPower.Operator.Endpoints;
using ServerPower.Operator.Hosting;
using ServerPower.Operator.Kubernetes;
using ServerPower.Operator.Ordering;
using ServerPower.Operator.Ownership;
using ServerPower.Operator.Probing;
using ServerPower.Operator.Reconciliation;
using ServerPower.Runtime;

namespace ServerPower.Systematic.Tests;

/// <summary>
/// The real <see cref="ServerPowerReconciler"/> (with the real ProviderResolver, CachedResourceClient and
/// ServerOwnership over CachedServerIdLookup) behind the real informer, work queue and controller (two workers), over
/// the <see cref="ServerPowerApi"/> and a Wings-like <see cref="RecordingProvider"/>. Three objects (two at the start)
/// declare servers s1–s3, deletionPolicy Stop, spec.stop 20 s then kill. A person flips spec.state, sets restart and
/// rebuild tokens (new ones, and ones used before), deletes and creates objects (some with a token already on them),
/// and moves spec.serverId, so two objects may declare one server; meanwhile watches break, the log is compacted (410),
/// another controller writes (the reconciler's next write meets a conflict), write answers are lost, provider calls
/// time out, stops hang, and time passes. Then the faults stop and time runs on a second at a time. Checked as they
/// happen (<see cref="PromiseLedger"/>): at most once per token, first-seen tokens adopted, kill only after an
/// accepted stop and its grace period, one owner per server, no key reconciled twice at once; at the end: every
/// deletion completed and every owned server in its declared state within <see cref="SettleSeconds"/>.
/// </summary>
internal static class ServerPowerScenario
{
    /// <summary>A person's changes and faults per run.</summary>
    public const int Changes = 16;

    /// <summary>Simulated seconds the objects get to converge once the faults stop (a hung stop is killed after 20 s).</summary>
    public const int SettleSeconds = 240;

    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(20);
    private static readonly string[] ServerIds = ["s1", "s2", "s3"];

    public static async Task RunAsync(DeterministicScheduler scheduler, List<string> violations, SharedLedger shared)
    {
        var choices = scheduler.Choices;
        var time = ScenarioSteps.NewTime();
        var api = new ServerPowerApi(scheduler, time);
        var ledger = new PromiseLedger(api, Grace);
        api.FirstStatus = ledger.FirstStatus;
        var world = new ServerWorld(time);
        foreach (var id in ServerIds) world.Add(id, choices.Next(2) == 0 ? PowerState.Running : PowerState.Stopped);
        var provider = new RecordingProvider(scheduler, world, time, ledger);
        var person = new Person(scheduler, api);
        person.Create(ScenarioSteps.Keys[0]);
        person.Create(ScenarioSteps.Keys[1]);

        // The product's first backoff (0.8 s), so a broken watch leaves the cache behind for a while.
        var informer = new Informer<ServerPowerResource>("serverpowers", api,
            ScenarioSteps.InformerTimings(TimeSpan.FromMilliseconds(800), TimeSpan.FromSeconds(5)), NullLogger.Instance, time, new Random(choices.Next())) { Dispatch = scheduler.Dispatch };
        informer.Store.AddIndex(CachedServerIdLookup.Index, CachedServerIdLookup.IdOf);
        var queue = new WorkQueue("serverpower", new WorkQueueOptions { BaseDelay = OperatorHost.QueueBaseDelay, MaxDelay = TimeSpan.FromSeconds(10) }, time)
        {
            Dispatch = scheduler.Dispatch,
        };
        var cache = new SteppedCache(informer, api.Provider, scheduler, time);
        var client = new CachedResourceClient(api, cache);
        var resolver = new ProviderResolver(client, provider, EndpointPolicy.Default);
        var settings = OperatorHost.Settings(new OperatorOptions
        {
            ResyncPeriod = TimeSpan.FromSeconds(30), MaxPoll = TimeSpan.FromSeconds(10), StartTimeout = TimeSpan.FromSeconds(30),
        });
        var reconciler = new ServerPowerReconciler(client, resolver, new DroppedEvents(), time, settings, NullLogger<ServerPowerReconciler>.Instance,
            ReadinessProbesOff.Instance, StartOrderOff.Instance, SchedulesOff.Instance,
            new ServerOwnership(new CachedServerIdLookup(cache), resolver), ActivityMonitorOff.Instance);
        var controller = new Controller("serverpower", queue, new LedgerReconciler(reconciler, ledger, scheduler), () => informer.Store.Keys(),
            new ControllerOptions { Workers = 2, ResyncPeriod = settings.ResyncPeriod, DrainTimeout = Replica.DrainTimeout },
            NullLogger.Instance, time: time, random: new Random(choices.Next())) { Dispatch = scheduler.Dispatch };
        informer.AddHandler(new EnqueueHandler<ServerPowerResource>(queue.Add, queue.AddBackground));
        // As the product's Watches<ServerPowerResource>(serverId index): a change re-decides who owns that server.
        informer.AddHandler(new MappedEnqueueHandler<ServerPowerResource>(
            s => CachedServerIdLookup.IdOf(s).SelectMany(id => informer.Store.ByIndex(CachedServerIdLookup.Index, id)).Select(o => ObjectKey.From(o.Metadata)),
            queue.Add, queue.AddBackground));
        informer.AddHandler(cache);

        using var stop = new CancellationTokenSource();
        var informing = informer.RunAsync(stop.Token);
        var controlling = controller.RunAsync(stop.Token);
        for (var change = 0; change < Changes; change++) await person.ChangeAsync(time);

        api.Calm();
        provider.Calm = true;
        var settled = false;
        for (var second = 0; second < SettleSeconds && !settled; second++)
        {
            for (var i = 0; i < 50 && !(settled = Unsettled(api, world) is null); i++) await scheduler.Yield();
            if (!settled) time.Advance(TimeSpan.FromSeconds(1));
        }
        if (Unsettled(api, world) is { } lag) violations.Add($"not settled {SettleSeconds} s after the faults stopped: {lag}");
        else
        {
            // Settled stays settled: a minute more (two resyncs) brings no late action that undoes it.
            for (var second = 0; second < 60; second++)
            {
                time.Advance(TimeSpan.FromSeconds(1));
                for (var i = 0; i < 20; i++) await scheduler.Yield();
            }
            if (Unsettled(api, world) is { } undone) violations.Add($"settled, then undone within a minute: {undone}");
        }
        violations.AddRange(ledger.Violations);

        stop.Cancel();
        time.Advance(TimeSpan.FromSeconds(30)); // past the drain timeout
        await Task.WhenAll(informing, controlling);
    }

    /// <summary>What is not done yet: an object still being deleted, or a server its owner declares otherwise; null: settled.</summary>
    private static string? Unsettled(ServerPowerApi api, ServerWorld world)
    {
        var objects = api.Objects.Values.ToList();
        foreach (var server in objects)
        {
            if (server.Metadata.DeletionTimestamp is not null)
                return $"{server.Metadata.Name} is still being deleted ({Describe(server)})";
            var id = server.Spec.ServerId;
            var owner = objects.Where(o => CachedServerIdLookup.Normalize(o.Spec.ServerId) == CachedServerIdLookup.Normalize(id))
                .Min(ServerOwnership.Order);
            var declared = server.Spec.State == DesiredPowerState.Running ? PowerState.Running : PowerState.Stopped;
            if (owner == server && world.State(id) != declared)
                return $"server {id} is {world.State(id)}, its owner {server.Metadata.Name} declares {declared} ({Describe(server)})";
        }
        return null;
    }

    private static string Describe(ServerPowerResource server)
    {
        var ready = server.Status?.Conditions?.FirstOrDefault(c => c.Type == ConditionTypes.Ready);
        return $"rv {server.Metadata.ResourceVersion}, Ready {ready?.Status}/{ready?.Reason}: {ready?.Message}";
    }
}
