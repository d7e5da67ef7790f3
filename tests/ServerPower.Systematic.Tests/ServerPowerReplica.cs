using Microsoft.Extensions.Logging.Abstractions;
using ServerPower.Api.Resources;
using ServerPower.Operator.AutoStop;
using ServerPower.Operator.Endpoints;
using ServerPower.Operator.Hosting;
using ServerPower.Operator.Kubernetes;
using ServerPower.Operator.Ordering;
using ServerPower.Operator.Ownership;
using ServerPower.Operator.Probing;
using ServerPower.Operator.Reconciliation;
using ServerPower.Runtime;
using ServerPower.Providers.Contract;

namespace ServerPower.Systematic.Tests;

/// <summary>
/// One operator replica's ServerPower controller as the product wires it, over the <see cref="ServerPowerApi"/>: its
/// own informer (indexed by server id, the product's first backoff 0.8 s, so a broken watch leaves the cache behind for
/// a while), <see cref="SteppedCache"/>, work queue and controller (two workers), and the real
/// <see cref="ServerPowerReconciler"/> with its own ProviderResolver, CachedResourceClient and ServerOwnership over
/// CachedServerIdLookup, calling <paramref name="providers"/>; a server's change enqueues the others that declare its
/// id, as the product's watch does. Its reconciles are told to the <see cref="PromiseLedger"/> as this replica's.
/// Given a pause, the reconciler's API calls may freeze (<see cref="FreezingClient"/>).
/// </summary>
internal sealed class ServerPowerReplica
{
    public ServerPowerReplica(string name, DeterministicScheduler scheduler, ServerPowerApi api, TimeProvider time,
        IPowerProviderFactory providers, PromiseLedger ledger, SharedLedger shared, TimeSpan pause = default)
    {
        Name = name;
        var choices = scheduler.Choices;
        Informer = new Informer<ServerPowerResource>("serverpowers", api,
            ScenarioSteps.InformerTimings(TimeSpan.FromMilliseconds(800), TimeSpan.FromSeconds(5)), NullLogger.Instance, time, new Random(choices.Next())) { Dispatch = scheduler.Dispatch };
        Informer.Store.AddIndex(CachedServerIdLookup.Index, CachedServerIdLookup.IdOf);
        var queue = new WorkQueue(name, new WorkQueueOptions { BaseDelay = OperatorHost.QueueBaseDelay, MaxDelay = TimeSpan.FromSeconds(10) }, time)
        {
            Dispatch = scheduler.Dispatch,
        };
        var cache = new SteppedCache(Informer, api.Provider, scheduler, time);
        Api = new FreezingClient(api, scheduler, time) { Pause = pause };
        var client = new CachedResourceClient(Api, cache);
        var resolver = new ProviderResolver(client, providers, EndpointPolicy.Default);
        var settings = OperatorHost.Settings(new OperatorOptions
        {
            ResyncPeriod = TimeSpan.FromSeconds(30), MaxPoll = TimeSpan.FromSeconds(10), StartTimeout = TimeSpan.FromSeconds(30),
        });
        var reconciler = new ServerPowerReconciler(client, resolver, new DroppedEvents(), time, settings, NullLogger<ServerPowerReconciler>.Instance,
            ReadinessProbesOff.Instance, StartOrderOff.Instance, SchedulesOff.Instance,
            new ServerOwnership(new CachedServerIdLookup(cache), resolver), ActivityMonitorOff.Instance);
        Controller = new Controller(name, queue, new LedgerReconciler(name, reconciler, ledger, scheduler, shared), () => Informer.Store.Keys(),
            new ControllerOptions { Workers = 2, ResyncPeriod = settings.ResyncPeriod, DrainTimeout = Replica.DrainTimeout },
            NullLogger.Instance, time: time, random: new Random(choices.Next())) { Dispatch = scheduler.Dispatch };
        Informer.AddHandler(new EnqueueHandler<ServerPowerResource>(queue.Add, queue.AddBackground));
        Informer.AddHandler(new MappedEnqueueHandler<ServerPowerResource>(
            s => CachedServerIdLookup.IdOf(s).SelectMany(id => Informer.Store.ByIndex(CachedServerIdLookup.Index, id)).Select(o => ObjectKey.From(o.Metadata)),
            queue.Add, queue.AddBackground));
        Informer.AddHandler(cache);
    }

    public string Name { get; }

    public Informer<ServerPowerResource> Informer { get; }

    /// <summary>The reconciler's API calls (the informer's list and watch do not freeze).</summary>
    public FreezingClient Api { get; }

    public Controller Controller { get; }
}
