using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using ServerPower.Runtime;

namespace ServerPower.Systematic.Tests;

/// <summary>
/// One operator replica as the runtime wires it: the real informer (and its cache), work queue and controller (two
/// workers) over the <see cref="ScriptedApi"/>, started on the <see cref="DeterministicScheduler"/> through the
/// runtime's Dispatch seam, with short timings (watch 10–20 s, backoff 0.1–2 s, resync 30 s) and a
/// <see cref="CheckingReconciler"/>.
/// </summary>
internal sealed class Replica
{
    /// <summary>How long a reconcile in flight may run on after the controller was told to stop.</summary>
    public static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(20);

    public Replica(string name, DeterministicScheduler scheduler, ScriptedApi api, TimeProvider time, SharedLedger shared,
        TimeSpan longCall = default)
    {
        var choices = scheduler.Choices;
        Informer = new Informer<V1ConfigMap>("configmaps", api,
            ScenarioSteps.InformerTimings(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(2)), NullLogger.Instance, time, new Random(choices.Next())) { Dispatch = scheduler.Dispatch };
        Queue = new WorkQueue(name, new WorkQueueOptions { MaxDelay = TimeSpan.FromSeconds(2) }, time)
        {
            Dispatch = scheduler.Dispatch,
        };
        Reconciler = new CheckingReconciler(name, Informer.Store, scheduler, time, shared) { LongCall = longCall };
        Controller = new Controller(name, Queue, Reconciler, () => Informer.Store.Keys(),
            new ControllerOptions { Workers = 2, ResyncPeriod = TimeSpan.FromSeconds(30), DrainTimeout = DrainTimeout },
            NullLogger.Instance, time: time, random: new Random(choices.Next())) { Dispatch = scheduler.Dispatch };
        Informer.AddHandler(new EnqueueHandler<V1ConfigMap>(Queue.Add, Queue.AddBackground));
    }

    public Informer<V1ConfigMap> Informer { get; }

    public WorkQueue Queue { get; }

    public CheckingReconciler Reconciler { get; }

    public Controller Controller { get; }

    /// <summary>
    /// Settled: the informer has seen the API's last change, its cache holds what the API holds, and the queue has
    /// nothing ready, waiting or in flight.
    /// </summary>
    public bool Settled(ScriptedApi api)
    {
        if (Informer.ResourceVersion() != api.Version) return false;
        var objects = api.Objects;
        var cached = Informer.Store.List();
        var cacheMatches = cached.Count == objects.Count && cached.All(o =>
            objects.TryGetValue(ObjectKey.From(o.Metadata), out var live) && live.Metadata.ResourceVersion == o.Metadata.ResourceVersion);
        var (dirty, processing, waiting) = Queue.Snapshot();
        return cacheMatches && dirty.Count == 0 && processing.Count == 0 && waiting.Count == 0;
    }

    /// <summary>What lags, for a "not settled" violation.</summary>
    public string Describe(ScriptedApi api)
    {
        var (dirty, processing, waiting) = Queue.Snapshot();
        return $"api [{string.Join(", ", api.Objects.Values.Select(o => $"{o.Metadata.Name}@{o.Metadata.ResourceVersion}"))}] "
            + $"cache [{string.Join(", ", Informer.Store.List().Select(o => $"{o.Metadata.Name}@{o.Metadata.ResourceVersion}"))}] "
            + $"seen={Informer.ResourceVersion()} last={api.Version} lists={api.Lists} watches={api.Watches} dirty=[{string.Join(", ", dirty)}] processing=[{string.Join(", ", processing)}] "
            + $"waiting=[{string.Join(", ", waiting.Keys)}]";
    }

    /// <summary>
    /// The last reconcile of every key read its last generation, or its absence once deleted (no lost update).
    /// </summary>
    public IEnumerable<string> LostUpdates(ScriptedApi api, IEnumerable<ObjectKey> keys)
    {
        foreach (var key in keys)
        {
            var final = api.Objects.GetValueOrDefault(key)?.Metadata.Generation;
            var reconciled = Reconciler.TryLastSeen(key, out var seen);
            if (!reconciled && final is null || reconciled && seen == final) continue;
            yield return $"lost update: {key} was last reconciled at generation "
                + $"{(reconciled ? seen?.ToString() ?? "gone" : "never")}, its last change is {final?.ToString() ?? "its deletion"}";
        }
    }
}
