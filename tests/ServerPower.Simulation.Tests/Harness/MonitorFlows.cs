using ServerPower.Api.Resources;
using ServerPower.Api.Serialization;
using ServerPower.Api.Vocabulary;
using ServerPower.Operator.Decision;
using ServerPower.Operator.Ordering;
using ServerPower.Operator.Scheduling;

namespace ServerPower.Simulation.Tests.Harness;

/// <summary>
/// The promises of the later features, judged like the others from what was stored and what reached the provider:
/// P10, order (crds/README.md, "Start order" and "Stop order"): no Start while a server in spec.startAfter has not been
/// Ready with desired state Running at any moment of that reconcile; no Stop (but a deletion's) of a server while one
/// that lists it is declared Stopped, was declared so at most the stop-order window after this one, and still runs
/// (its stored status and the provider both say so), nor within the window while one that lists it is still declared
/// Running and running. (A stop sent again to a server already seen stopping is not judged: the first one was.)
/// P11, auto-stop: an idle stop only after an unbroken run of successful reads of 0 players lasting idleAfter, the last
/// of them the confirmation read (the reads of the process that decided it: a monitor reads every periodSeconds, so
/// with a period longer than idleAfter two reads of 0 far apart are such a run, as documented); no Start of an auto-stopped server before a wake (a new wake token, a spec change,
/// an override change, or the effective state leaving Running).
/// </summary>
internal sealed partial class Monitor
{
    /// <summary>Whole-second status timestamps, the watch's delay and the edges' latency, where P10 compares times.</summary>
    private static readonly TimeSpan OrderSlack = TimeSpan.FromSeconds(2);

    private readonly Dictionary<(int Process, string Host), List<(DateTimeOffset At, int? Players)>> activityReads = [];
    private readonly Dictionary<string, long> notUpSince = [];
    private readonly HashSet<string> up = [];
    private readonly Dictionary<string, DateTimeOffset> effectivelyStoppedSince = [];
    private readonly HashSet<string> autoStopped = [];
    private readonly Dictionary<string, string?> readyReason = [];

    public FlowPlan Flows { get; set; } = FlowPlan.None;

    /// <summary>The world's server by id (to tell a server that still runs).</summary>
    public Func<string, SimServer?> WorldServer { get; set; } = _ => null;

    /// <summary>The PowerSchedule stored now, by namespace and name.</summary>
    public Func<string, string, PowerScheduleResource?> Schedule { get; set; } = (_, _) => null;

    /// <summary>One activity read of the target <paramref name="host"/> by the activity monitor of operator <paramref name="process"/>.</summary>
    public void OnActivityRead(int process, string host, DateTimeOffset at, int? players)
    {
        if (!activityReads.TryGetValue((process, host), out var reads)) activityReads[(process, host)] = reads = [];
        reads.Add((at, players));
    }

    /// <summary>The effective desired state of a stored object now: override, else schedule, else spec.state; null when unknown.</summary>
    public TargetPowerState? Effective(ServerPowerResource server) =>
        EffectiveState.Resolve(server, EffectiveState.ScheduleName(server.Spec) is { } name ? Schedule(server.Metadata.NamespaceProperty, name) : null, sim.Now)
            is Intent.Known known ? known.State : null;

    /// <summary>
    /// Re-reads what every stored object declares now: after each stored change, and at each schedule transition and
    /// override end (the effective state changes there with no write).
    /// </summary>
    public void Reevaluate()
    {
        if (!Flows.Any) return;
        foreach (var server in AllStored())
        {
            var name = server.Metadata.Name;
            var effective = Effective(server);
            if (effective == TargetPowerState.Stopped) effectivelyStoppedSince.TryAdd(name, sim.Now);
            else effectivelyStoppedSince.Remove(name);
            if (effective != TargetPowerState.Running && server.Metadata.Uid is { } uid && autoStopped.Remove(uid))
                sim.Log($"monitor: {name} no longer auto-stopped (its effective desired state is {effective?.ToString() ?? "unknown"})");
            if (DependencyResolver.IsUp(server)) { up.Add(name); notUpSince.Remove(name); }
            else if (up.Remove(name) || !notUpSince.ContainsKey(name)) notUpSince[name] = sim.NextSeq();
        }
    }

    private void OnFlowsStored(ServerPowerResource? before, ServerPowerResource after)
    {
        if (!Flows.Any) return;
        var uid = after.Metadata.Uid!;
        if (before is not null && autoStopped.Contains(uid))
        {
            var woken = after.Metadata.Generation != before.Metadata.Generation ? "a spec change"
                : Annotation(after, Annotations.Wake) != Annotation(before, Annotations.Wake) && Annotation(after, Annotations.Wake) is { } wake && OneShotTokens.IsValid(wake) ? "a wake token"
                : Annotation(after, Annotations.Override) != Annotation(before, Annotations.Override) ? "an override change"
                : null;
            if (woken is not null && autoStopped.Remove(uid)) sim.Log($"monitor: {after.Metadata.Name} may be started again ({woken})");
        }
        var reason = Conditions.Find(after.Status?.Conditions, ConditionTypes.Ready)?.Reason;
        if (reason == Api.Vocabulary.Reasons.WaitingForDependencies && readyReason.GetValueOrDefault(uid) != reason) sim.Stats.Order++;
        readyReason[uid] = reason;
        Reevaluate();
    }

    private void OnFlowsRemoved(ServerPowerResource before)
    {
        if (!Flows.Any) return;
        up.Remove(before.Metadata.Name);
        notUpSince[before.Metadata.Name] = sim.NextSeq();
        effectivelyStoppedSince.Remove(before.Metadata.Name);
    }

    private static string? Annotation(ServerPowerResource s, string key) =>
        s.Metadata.Annotations is { } annotations && annotations.TryGetValue(key, out var value) ? value : null;

    /// <summary>P10 and P11 at a Start or Stop that reached the provider.</summary>
    private void CheckFlows(ProviderRequest request)
    {
        if (!Flows.Any || request.Fiber.ReadObject is not { Metadata.Uid: { } uid } server) return;
        switch (request.Action)
        {
            case ActionType.Start:
                if (autoStopped.Contains(uid))
                    Report("P11", "started while auto-stopped without a wake", $"Start sent to server {request.ServerId} by {request.Fiber.Name}: {server.Metadata.Name} was auto-stopped and nothing woke it since");
                foreach (var dependency in server.Spec.StartAfter ?? [])
                    if (!up.Contains(dependency) && notUpSince.GetValueOrDefault(dependency) < request.Fiber.StartSeq)
                        Report("P10", "start before a dependency was Ready",
                            $"Start sent to server {request.ServerId} by {request.Fiber.Name} for {server.Metadata.Name}, which lists {dependency} in spec.startAfter; {dependency} was not Ready with desired state Running at any moment of that reconcile");
                break;
            case ActionType.Stop:
                // This reconcile recorded the auto-stop (a stop sent again for one recorded before, e.g. after a lost answer, is not a new one).
                if (request.Fiber.LastWritten?.AutoStop is { StoppedAt: { } at, Reason: { } reason } && request.At - at < TimeSpan.FromSeconds(5)
                    && server.Status?.AutoStop?.StoppedAt != at)
                {
                    sim.Stats.AutoStop++;
                    autoStopped.Add(uid);
                    sim.Log($"monitor: {server.Metadata.Name} auto-stopped ({reason})");
                    if (reason == AutoStopReason.Idle) CheckIdleStop(request, server);
                }
                if (server.Metadata.DeletionTimestamp is null) CheckStopOrder(request, server);
                break;
        }
    }

    private void CheckIdleStop(ProviderRequest request, ServerPowerResource server)
    {
        var idleAfter = GoDuration.TryParse(server.Spec.AutoStop?.IdleAfter ?? "", out var d) ? d : TimeSpan.MaxValue;
        var reads = activityReads.GetValueOrDefault((request.Fiber.Process.Id, FlowHosts.Of(request.Fiber.Key))) ?? [];
        var zeros = reads.OrderBy(r => r.At).Reverse().TakeWhile(r => r.Players == 0).ToList();
        var last = reads.Count > 0 ? reads.MaxBy(r => r.At) : default;
        var run = zeros.Count > 0 ? zeros[0].At - zeros[^1].At : TimeSpan.Zero;
        if (zeros.Count == 0 || run < idleAfter - TimestampPrecision)
            Report("P11", "idle stop without idleAfter of reads of 0",
                $"an idle Stop reached server {request.ServerId} from {request.Fiber.Name}, but the reads of {server.Metadata.Name} ended in {zeros.Count} read(s) of 0 spanning {run.TotalSeconds:0.#} s "
                + $"(idleAfter {server.Spec.AutoStop?.IdleAfter}; last read {(last.At == default ? "none" : $"{Trace.Stamp(last.At)}: {last.Players?.ToString() ?? "unknown"}")})");
    }

    private void CheckStopOrder(ProviderRequest request, ServerPowerResource server)
    {
        var name = server.Metadata.Name;
        if (!effectivelyStoppedSince.TryGetValue(name, out var declared)) return;
        // A stop sent again to a server this reconcile saw stopping (or stopped) takes nothing down: the order is the first stop's.
        if (request.Fiber.LastRead?.Observed?.Power is PowerState.Stopping or PowerState.Stopped) return;
        foreach (var dependent in AllStored().Where(d => d.Metadata.Uid != server.Metadata.Uid && d.Spec.StartAfter?.Contains(name) == true))
        {
            var spec = dependent.Spec;
            if (spec.Suspend || spec.ManagementPolicy == ManagementPolicy.Observe || dependent.Metadata.DeletionTimestamp is not null) continue;
            var world = WorldServer(spec.ServerId);
            var status = dependent.Status?.PowerState;
            var runs = status is PowerState.Running or PowerState.Starting or PowerState.Stopping && world is { Gone: false, Power: not PowerState.Stopped };
            if (!runs) continue;
            var effective = Effective(dependent);
            if (effective == TargetPowerState.Stopped && effectivelyStoppedSince.TryGetValue(dependent.Metadata.Name, out var since) && since <= declared + settings.StopOrderWindow - OrderSlack)
                Report("P10", "stop before a dependent's",
                    $"Stop sent to server {request.ServerId} by {request.Fiber.Name} for {name} (declared Stopped at {Trace.Stamp(declared)}), while {dependent.Metadata.Name}, which lists it in spec.startAfter, "
                    + $"was declared Stopped at {Trace.Stamp(since)} and still runs (status {status}, provider {world})");
            else if (effective == TargetPowerState.Running && dependent.Status?.DesiredState == TargetPowerState.Running && status is PowerState.Running or PowerState.Starting
                && request.At < declared + settings.StopOrderWindow - OrderSlack)
                Report("P10", "stop within the stop-order window while a dependent is declared Running",
                    $"Stop sent to server {request.ServerId} by {request.Fiber.Name} for {name} (declared Stopped at {Trace.Stamp(declared)}), {GoDuration.Format(settings.StopOrderWindow)} not over, "
                    + $"while {dependent.Metadata.Name}, which lists it in spec.startAfter, is declared Running and runs (status {status})");
        }
    }

    /// <summary>
    /// P7's drift check (spec.state as declared, corrected at once) does not apply where the later features decide: an
    /// override, a schedule, spec.startAfter (in either direction), auto-stop. Their own promises are P10 and P11, and the
    /// liveness check at the end uses the effective desired state.
    /// </summary>
    public bool DecidedByLaterFeatures(ServerPowerResource server) =>
        Flows.Order != OrderGraph.None || server.Spec.State == DesiredPowerState.Scheduled || server.Spec.StartAfter is { Count: > 0 } || server.Spec.AutoStop is not null
        || server.Metadata.Annotations?.ContainsKey(Annotations.Override) == true || server.Status?.AutoStop?.StoppedAt is not null;
}
