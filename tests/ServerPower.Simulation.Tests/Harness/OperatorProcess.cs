using k8s.Models;
using ServerPower.Runtime;

namespace ServerPower.Simulation.Tests.Harness;

/// <summary>One operator process: its own reconciler instance, work queue, informer cache and workers.</summary>
internal sealed class OperatorProcess(int id, IReconciler reconciler, WorkQueueModel queue)
{
    public const int Workers = 4;

    public int Id { get; } = id;
    public IReconciler Reconciler { get; } = reconciler;
    public WorkQueueModel Queue { get; } = queue;
    public List<Fiber> InFlight { get; } = [];

    /// <summary>The metadata the informer last delivered, per key (null: deleted).</summary>
    public Dictionary<ObjectKey, V1ObjectMeta?> Informer { get; } = [];

    /// <summary>The count of others' writes the informer had seen, per key (see <see cref="SimKube.ExternalWrites"/>).</summary>
    public Dictionary<ObjectKey, long> InformerExternal { get; } = [];

    /// <summary>Frozen until then (GC pause, network partition): nothing in the process runs.</summary>
    public DateTimeOffset PausedUntil { get; set; }

    /// <summary>Lost the lease while frozen: finishes what it had in flight, starts nothing new.</summary>
    public bool Deposed { get; set; }

    public bool Dead { get; set; }

    /// <summary>The process's own readiness prober and activity monitor (real ones), driven by the agenda.</summary>
    public List<BackgroundSchedule> Background { get; } = [];

    /// <summary>What the prober asked to reconcile, and what the activity monitor asked.</summary>
    public SimServerQueue ProbeQueue { get; init; } = new();
    public SimServerQueue ActivityQueue { get; init; } = new();

    /// <summary>The informer's watch is down until then: changes meanwhile are missed until it lists again.</summary>
    public DateTimeOffset WatchDownUntil { get; set; }

    public bool Active => !Dead && !Deposed;

    public override string ToString() => $"P{Id}";
}
