using ServerPower.Api.Resources;
using ServerPower.Api.Vocabulary;
using ServerPower.Operator.Decision;

namespace ServerPower.Operator.Ordering;

/// <summary>
/// Computes a server's <see cref="DependencyView"/> from the cache: which spec.startAfter names are not yet up, which
/// dependents must stop first, and whether the names are valid (every one a ServerPower, no cycle through this server).
/// </summary>
public static class DependencyResolver
{
    /// <summary>Null when the server lists no dependency and nothing lists it.</summary>
    public static DependencyView? Resolve(ServerPowerResource server, IServerGraph graph)
    {
        // Stryker disable once String : the API server always sets a name and a namespace
        var ns = server.Metadata.NamespaceProperty ?? "";
        // Stryker disable once String : the API server always sets a name and a namespace
        var name = server.Metadata.Name ?? "";
        var names = server.Spec.StartAfter ?? [];
        var dependents = graph.Dependents(ns, name);
        if (names.Count == 0 && dependents.Count == 0) return null;

        var missing = names.Where(n => n != name && graph.Get(ns, n) is null).ToList();
        if (missing.Count > 0)
            return new DependencyView([], [], $"spec.startAfter names {string.Join(", ", missing)}, which {(missing.Count == 1 ? "is" : "are")} not a ServerPower in namespace {ns}");
        if (Cycle(ns, name, names, graph) is { } cycle)
            return new DependencyView([], [], $"spec.startAfter forms a cycle: {string.Join(" → ", cycle)}");

        var notReady = names.Where(n => !IsUp(graph.Get(ns, n)!)).ToList();
        var stopping = Names(dependents.Where(StopsAndStillRuns));
        var running = Names(dependents.Where(DeclaredRunningAndRuns));
        return new DependencyView(notReady, stopping, RunningDependents: running);
    }

    /// <summary>Ready=True for its current generation, with desired state Running.</summary>
    public static bool IsUp(ServerPowerResource server) =>
        server.Status is { DesiredState: TargetPowerState.Running } status
        && status.ObservedGeneration == server.Metadata.Generation
        && Conditions.Find(status.Conditions, ConditionTypes.Ready)?.Status == ConditionStatus.True;

    /// <summary>
    /// Being stopped by the operator (declared or effectively Stopped, or deleted with deletionPolicy Stop; not suspended,
    /// not observed) and still reporting Running or Stopping, or Starting or Busy (up soon, and stopped after).
    /// </summary>
    public static bool StopsAndStillRuns(ServerPowerResource dependent)
    {
        var spec = dependent.Spec;
        if (spec.Suspend || spec.ManagementPolicy == ManagementPolicy.Observe) return false;
        var stopping = spec.State == DesiredPowerState.Stopped
            || dependent.Status?.DesiredState == TargetPowerState.Stopped
            || (dependent.Metadata.DeletionTimestamp is not null && spec.DeletionPolicy == DeletionPolicy.Stop);
        return stopping && dependent.Status?.PowerState is PowerState.Running or PowerState.Stopping or PowerState.Starting or PowerState.Busy;
    }

    /// <summary>
    /// Managed by the operator, declared (or effectively) Running, and reporting Running or Starting: a stop of what it
    /// lists waits a little for its own stop to be declared too (the stop-order window, Decision/OrderRules.cs). Also a
    /// dependent whose power state is not known (<see cref="StateUnknown"/>): it may still run, so the stop waits the
    /// same window for it to be known (then it is a stopping dependent, or none).
    /// </summary>
    public static bool DeclaredRunningAndRuns(ServerPowerResource dependent)
    {
        var spec = dependent.Spec;
        if (spec.Suspend || spec.ManagementPolicy == ManagementPolicy.Observe || dependent.Metadata.DeletionTimestamp is not null) return false;
        if (StateUnknown(dependent)) return true;
        return spec.State != DesiredPowerState.Stopped
            && dependent.Status is { DesiredState: TargetPowerState.Running, PowerState: PowerState.Running or PowerState.Starting };
    }

    /// <summary>
    /// Never reconciled yet (no status: all objects are new when an application is first applied or the operator
    /// starts), or its power state unread (a provider error, an account's 429) and no stop known to have taken: the
    /// operator cannot tell whether it still runs. A stop or kill counts as taken once it was seen to take effect
    /// (settled) or, on a provider that cannot report state, once it was accepted. (An accepted stop not yet seen to
    /// take effect used to count too: simulation seed 1735 stopped a dependency while its dependent, whose read then
    /// failed, was still stopping.)
    /// </summary>
    private static bool StateUnknown(ServerPowerResource dependent) =>
        dependent.Status is not { } status
        || (status.PowerState is null or PowerState.Unknown && !StopTaken(status));

    private static bool StopTaken(ServerPowerStatus status) =>
        status.LastAction is { Type: ActionType.Stop or ActionType.Kill, Result: ActionResult.Accepted } last
        && (last.SettledTime is not null || status.ProviderState == ServerPowerDecider.BlindRequested);

    private static List<string> Names(IEnumerable<ServerPowerResource> servers) =>
        // Stryker disable once String : the API server always sets a name and a namespace
        servers.Select(s => s.Metadata.Name ?? "").Order(StringComparer.Ordinal).ToList();

    /// <summary>The shortest path of spec.startAfter names from this server back to itself, or null.</summary>
    private static IReadOnlyList<string>? Cycle(string ns, string start, IReadOnlyList<string> first, IServerGraph graph)
    {
        var previous = new Dictionary<string, string>();
        var queue = new Queue<string>();
        foreach (var n in first.Distinct())
        {
            if (n == start) return [start, start];
            previous[n] = start;
            queue.Enqueue(n);
        }
        while (queue.Count > 0)
        {
            var current = queue.Dequeue();
            foreach (var next in graph.Get(ns, current)?.Spec.StartAfter ?? [])
            {
                if (next == start)
                {
                    var chain = new List<string> { current };
                    for (var at = current; previous[at] != start; at = previous[at]) chain.Insert(0, previous[at]);
                    return [start, .. chain, start];
                }
                if (previous.ContainsKey(next)) continue;
                previous[next] = current;
                queue.Enqueue(next);
            }
        }
        return null;
    }
}
