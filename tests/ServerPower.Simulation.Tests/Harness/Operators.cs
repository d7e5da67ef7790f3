using Microsoft.Extensions.Logging.Abstractions;
using ServerPower.Operator.Decision;
using ServerPower.Operator.AutoStop;
using ServerPower.Operator.Kubernetes;
using ServerPower.Operator.Ordering;
using ServerPower.Operator.Ownership;
using ServerPower.Operator.Reconciliation;
using ServerPower.Runtime;
using ServerPower.Providers.Contract;
using ServerPower.Operator.Endpoints;
using ServerPower.Operator.Probing;
using ServerPower.Operator.Scheduling;
using ServerPower.Api.Resources;

namespace ServerPower.Simulation.Tests.Harness;

/// <summary>
/// The operator deployment: one leading process at a time, each with a new real <see cref="ServerPowerReconciler"/>
/// (with the real <see cref="ProviderResolver"/>) over the shared edges. It plays the controller
/// (src/ServerPower.Runtime/Controller.cs): list and enqueue everything at start, watch events through the
/// real <see cref="ChangePredicate"/>, a jittered resync, results applied to the work queue. Faults: a crash (hard:
/// in-flight reconciles die at their await; or SIGTERM: they see their token cancelled) with a new leader after the
/// lease, and a freeze longer than the lease, after which the old leader thaws next to the new one and carries on
/// with what it had in flight until it notices. With the later features (<see cref="FlowPlan"/>): the PowerSchedules,
/// the startAfter graph and the watches it adds (a server's change enqueues those that list it and those it lists),
/// and each process's own real <see cref="ReadinessProber"/> and <see cref="ActivityMonitor"/> over simulated targets;
/// and watch drops, after which the informer lists again.
/// </summary>
internal sealed class Operators(
    SimContext sim, FiberScheduler fibers, SimKube kube, IPowerProviderFactory factory, IEventRecorder events,
    Monitor monitor, DecisionSettings settings, Func<MutantEdges, IReconciler, IReconciler>? mutate = null,
    SimSchedules? schedules = null, ProviderWorld? world = null, FlowPlan? flows = null)
{
    private readonly FlowPlan plan = flows ?? FlowPlan.None;

    private static readonly TimeSpan LeaseDuration = TimeSpan.FromSeconds(15);
    private int nextId;
    private (string What, Action Strike, int Countdown)? armed;

    public OperatorProcess? Leader { get; private set; }

    public void StartLeader()
    {
        if (Leader is not null) return;
        (factory as SimProviderFactory)?.ProcessStarted();
        var resolver = new ProviderResolver(kube, factory, EndpointPolicy.Default);
        // Ownership looks the server id up in what the API server holds now (a cache that is never behind: the real
        // informer's lag is not modelled for this lookup).
        var owners = new ServerOwnership(new StoredServerIds(kube), resolver);
        var (probeQueue, activityQueue, background) = (new SimServerQueue(), new SimServerQueue(), new List<BackgroundSchedule>());
        IReadinessProbes probes = ReadinessProbesOff.Instance;
        if (plan.Probes)
        {
            var prober = new ReadinessProber(new SimProbeRunner(kube, world!), new ProbeTargetPolicy(EndpointPolicy.Default), probeQueue, sim.Clock,
                NullLogger<ReadinessProber>.Instance, new ProberOptions());
            background.Add(new BackgroundSchedule(sim, prober.StartDue));
            probes = prober;
        }
        ActivityMonitor? activity = null;
        if (plan.AutoStop)
        {
            activity = new ActivityMonitor(new SimActivityReader(kube, world!, fibers, monitor, sim, nextId + 1), new ActivityTargetPolicy(new ProbeTargetPolicy(EndpointPolicy.Default)),
                activityQueue, sim.Clock, NullLogger<ActivityMonitor>.Instance);
            background.Add(new BackgroundSchedule(sim, activity.StartDue));
        }
        IReconciler reconciler = new ServerPowerReconciler(kube, resolver, events, sim.Clock, settings, NullLogger<ServerPowerReconciler>.Instance,
            probes, plan.Order != OrderGraph.None ? new StartOrder(new StoredServerGraph(kube), kube) : StartOrderOff.Instance,
            (IScheduleClient?)schedules ?? SchedulesOff.Instance, owners, (IActivityMonitor?)activity ?? ActivityMonitorOff.Instance);
        if (mutate is not null) reconciler = mutate(new MutantEdges(kube, fibers, monitor, resolver), reconciler);
        var process = new OperatorProcess(++nextId, reconciler, new WorkQueueModel(sim)) { ProbeQueue = probeQueue, ActivityQueue = activityQueue };
        process.Background.AddRange(background);
        Leader = process;
        foreach (var key in kube.ServerKeys)
        {
            process.Informer[key] = kube.Server(key)!.Metadata;
            process.InformerExternal[key] = kube.ExternalWrites(key);
            process.Queue.Add(key, "startup");
        }
        ScheduleResync(process);
        sim.Log($"operator {process} starts, lists {process.Informer.Count} object(s) and leads");
    }

    /// <summary>Hands ready keys to free workers of the leader.</summary>
    public void Dispatch()
    {
        if (Leader is not { Active: true } process || process.PausedUntil > sim.Now) return;
        RunBackground(process);
        while (process.InFlight.Count < OperatorProcess.Workers && process.Queue.TryGet(out var key, out var why))
        {
            sim.Stats.Reconciles++;
            sim.Log($"{process} reconciles {key.Name} (queued by {string.Join("+", why)})");
            var fiber = fibers.Start(process, key, why, token => process.Reconciler.ReconcileAsync(key, token), OnFinished);
            if (!fiber.Finished) process.InFlight.Add(fiber);
        }
    }

    public void OnServerChanged(ObjectKey key)
    {
        if (Leader is not { } process) return;
        sim.Agenda.At(sim.Now + WatchDelay(), () => Deliver(process, key));
    }

    /// <summary>The prober and the activity monitor start what is due; the servers whose shown state changed are enqueued.</summary>
    private void RunBackground(OperatorProcess process)
    {
        if (process.Background.Count == 0) return;
        foreach (var schedule in process.Background) schedule.Run();
        foreach (var key in process.ProbeQueue.Drain())
        {
            sim.Stats.Probes++;
            sim.Log($"{process}: the readiness probe of {key.Name} changed what it shows");
            process.Queue.Add(key, "probe");
        }
        foreach (var key in process.ActivityQueue.Drain())
        {
            sim.Log($"{process}: the activity of {key.Name} changed what it shows");
            process.Queue.Add(key, "activity");
        }
    }

    /// <summary>A PowerSchedule changed: the servers that follow it are enqueued (the controller's scheduleRef index).</summary>
    public void OnScheduleChanged(string ns, string name)
    {
        if (Leader is not { } process) return;
        sim.Agenda.At(sim.Now + WatchDelay(), () =>
        {
            if (!process.Active) return;
            foreach (var key in kube.ServerKeys)
                if (key.Namespace == ns && kube.Server(key) is { } server && EffectiveState.ScheduleName(server.Spec) == name)
                    process.Queue.Add(key, "watch");
        });
    }

    /// <summary>The leader's watch drops for a while: the changes meanwhile reach it only when it lists again.</summary>
    public void DropWatch(TimeSpan duration)
    {
        if (Leader is not { Active: true } process) return;
        process.WatchDownUntil = sim.Now + duration;
        sim.Fault($"operator {process}'s watch drops for {duration.TotalSeconds:0.#} s");
        sim.Agenda.At(process.WatchDownUntil, () =>
        {
            if (!process.Active) return;
            sim.Log($"operator {process} lists again after its watch dropped");
            foreach (var key in kube.ServerKeys.Concat(process.Informer.Keys).Distinct().ToList()) Deliver(process, key);
        });
    }

    public void OnProviderChanged(ObjectKey provider)
    {
        if (Leader is not { } process) return;
        sim.Agenda.At(sim.Now + WatchDelay(), () =>
        {
            if (!process.Active) return;
            // The PowerProvider reconciler enqueues the servers that use it.
            foreach (var key in kube.ServerKeys)
                if (key.Namespace == provider.Namespace && kube.Server(key)?.Spec.ProviderRef.Name == provider.Name)
                    process.Queue.Add(key, "watch");
        });
    }

    /// <summary>
    /// A process fault that strikes at an await of a reconcile in flight (the interesting moment), at the leader's
    /// next few parks; sometimes at once, whatever the process is doing.
    /// </summary>
    public void Arm(string what, Action strike, double atOnce = 0.2, int withinParks = 12)
    {
        if (sim.Chance(atOnce)) strike();
        else armed = (what, strike, sim.Rng.Next(1, withinParks));
    }

    /// <summary>Called at every park of every fiber.</summary>
    public void OnParked(Fiber fiber)
    {
        if (armed is not { } fault || fiber.Process != Leader) return;
        if (fault.Countdown > 1)
        {
            armed = fault with { Countdown = fault.Countdown - 1 };
            return;
        }
        armed = null;
        sim.Log($"{fiber.Name} is at \"{fiber.Where}\" when the {fault.What} strikes");
        fault.Strike();
    }

    public void Crash()
    {
        if (Leader is not { } process) return;
        var graceful = sim.Chance(0.4);
        process.Dead = true;
        process.Queue.ShutDown = true;
        Leader = null;
        sim.Fault(graceful
            ? $"operator {process} is stopped (SIGTERM): {process.InFlight.Count} reconcile(s) in flight see their token cancelled"
            : $"operator {process} crashes: {process.InFlight.Count} reconcile(s) in flight die at their await ({string.Join(", ", process.InFlight.Select(f => f.Where))})");
        foreach (var fiber in process.InFlight.ToList())
        {
            if (graceful)
            {
                fiber.Cancellation.Cancel();
                fibers.WakeNow(fiber);
            }
            else
            {
                fiber.Abandoned = true;
                process.InFlight.Remove(fiber);
            }
        }
        // A stopped leader releases its lease; a crashed one's lease has to expire first.
        var restart = graceful ? sim.Between(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10)) : sim.Between(LeaseDuration, LeaseDuration * 3);
        sim.Agenda.At(sim.Now + restart, StartLeader);
    }

    /// <summary>The leader freezes; past the lease a standby takes over and the old one thaws later, deposed.</summary>
    public void Freeze() => Freeze(sim.Chance(0.6));

    public void Freeze(bool pastTheLease)
    {
        if (Leader is not { } process || process.PausedUntil > sim.Now) return;
        var pause = !pastTheLease ? sim.Between(TimeSpan.FromSeconds(1), LeaseDuration - TimeSpan.FromSeconds(1)) : sim.Between(LeaseDuration + TimeSpan.FromSeconds(2), TimeSpan.FromMinutes(10));
        process.PausedUntil = sim.Now + pause;
        sim.Fault($"operator {process} freezes for {pause.TotalSeconds:0.#} s with {process.InFlight.Count} reconcile(s) in flight ({string.Join(", ", process.InFlight.Select(f => f.Where))})");
        sim.Agenda.At(process.PausedUntil, () => sim.Log($"operator {process} thaws{(process.Deposed ? " without its lease: it carries on with what it had in flight" : "")}"));
        if (pause <= LeaseDuration) return;
        sim.Agenda.At(sim.Now + LeaseDuration + sim.Between(TimeSpan.Zero, TimeSpan.FromSeconds(2)), () =>
        {
            if (process.Dead || Leader != process) return;
            process.Deposed = true;
            process.Queue.ShutDown = true;
            Leader = null;
            sim.Fault($"operator {process} lost its lease while frozen; a standby takes over");
            StartLeader();
            // Once thawed, it notices the lost lease after a while and exits; until then its reconciles run on.
            sim.Agenda.At(process.PausedUntil + sim.Between(TimeSpan.Zero, TimeSpan.FromSeconds(5)), () =>
            {
                if (process.Dead) return;
                process.Dead = true;
                foreach (var fiber in process.InFlight) fiber.Abandoned = true;
                sim.Log($"operator {process} notices it lost the lease and exits ({process.InFlight.Count} reconcile(s) dropped)");
                process.InFlight.Clear();
            });
        });
    }

    private void OnFinished(Fiber fiber)
    {
        var process = fiber.Process;
        process.InFlight.Remove(fiber);
        monitor.OnReconcileFinished(fiber);
        var task = fiber.Task!;
        if (!process.Active)
        {
            sim.Log($"{fiber.Name} ends ({Describe(task)}) in a process that no longer leads");
            return;
        }
        // As Controller.ProcessAsync does: a cancelled reconcile keeps its key; a result is routed by the same code.
        if (task.IsCanceled) process.Queue.Add(fiber.Key, "requeue");
        else ResultRouting.Apply(process.Queue, fiber.Key,
            task.IsFaulted ? ReconcileResult.Fail(task.Exception!.InnerException!.GetType().Name) : task.Result);
        process.Queue.Done(fiber.Key);
        sim.Log($"{fiber.Name} ends: {Describe(task)}");
    }

    private void ScheduleResync(OperatorProcess process)
    {
        var factor = 1 + 0.1 * (2 * sim.Rng.NextDouble() - 1);
        sim.Agenda.At(sim.Now + settings.ResyncPeriod * factor, () => Resync(process));
    }

    private void Resync(OperatorProcess process)
    {
        if (!process.Active) return;
        if (process.PausedUntil > sim.Now)
        {
            sim.Agenda.At(process.PausedUntil, () => Resync(process));
            return;
        }
        foreach (var (key, meta) in process.Informer)
            if (meta is not null) process.Queue.Add(key, "resync");
        ScheduleResync(process);
    }

    private void Deliver(OperatorProcess process, ObjectKey key)
    {
        if (!process.Active) return;
        if (process.PausedUntil > sim.Now)
        {
            sim.Agenda.At(process.PausedUntil, () => Deliver(process, key));
            return;
        }
        if (process.WatchDownUntil > sim.Now)
        {
            sim.Log($"operator {process} misses a change of {key.Name} (its watch is down)");
            return;
        }
        var stored = kube.Server(key);
        var now = stored?.Metadata;
        var before = process.Informer.GetValueOrDefault(key);
        process.Informer[key] = now;
        // "watch-own": the change that passes the predicate was the operator's own write (e.g. its finalizer).
        var external = kube.ExternalWrites(key);
        var byOthers = external != process.InformerExternal.GetValueOrDefault(key);
        process.InformerExternal[key] = external;
        if (before is null && now is null) return;
        if (ChangePredicate.ShouldEnqueue(before, now)) process.Queue.Add(key, byOthers ? "watch" : "watch-own");
        if (plan.Order != OrderGraph.None && before?.ResourceVersion != now?.ResourceVersion) EnqueueRelated(process, key, stored);
    }

    /// <summary>
    /// As the startAfter watches do (Hosting/ProbeAndOrderServices.cs): any change of a server enqueues the servers that
    /// list it (they may start now) and the servers it lists (they may stop now).
    /// </summary>
    private void EnqueueRelated(OperatorProcess process, ObjectKey key, ServerPowerResource? server)
    {
        foreach (var other in kube.ServerKeys)
        {
            if (other.Namespace != key.Namespace || other == key) continue;
            var lists = kube.View(other)?.Spec.StartAfter?.Contains(key.Name) == true;
            var listed = server?.Spec.StartAfter?.Contains(other.Name) == true;
            if (lists || listed) process.Queue.Add(other, "watch-related");
        }
    }

    private TimeSpan WatchDelay() => TimeSpan.FromMilliseconds(sim.Rng.Next(5, 300));

    private static string Describe(Task<ReconcileResult> task) =>
        task.IsCanceled ? "cancelled"
        : task.IsFaulted ? $"threw {task.Exception!.InnerException!.GetType().Name}: {task.Exception.InnerException.Message}"
        : task.Result.Failed ? $"failed ({task.Result.Error})"
        : task.Result.RequeueAfter is { } after ? $"requeue after {after.TotalSeconds:0.###} s"
        : "done";
}
