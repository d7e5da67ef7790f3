using ServerPower.Api.Resources;
using ServerPower.Api.Vocabulary;
using ServerPower.Operator.Decision;
using ServerPower.Operator.Runtime;

namespace ServerPower.Operator.Ordering;

/// <summary>
/// When a server's readiness, desired or power state changes (or it comes or goes), the servers that list it in
/// spec.startAfter may now start (found through the index), and the servers it lists may now stop: both are enqueued.
/// </summary>
public sealed class OrderEnqueueHandler(IServerGraph graph, Action<ObjectKey> enqueue) : IResourceEventHandler<ServerPowerResource>
{
    public void OnAdd(ServerPowerResource obj, bool relist)
    {
        if (!relist) Neighbours(obj);
    }

    public void OnUpdate(ServerPowerResource oldObj, ServerPowerResource newObj, bool relist)
    {
        if (relist) return;
        if (Signature(oldObj) != Signature(newObj) || !SameNames(oldObj, newObj))
        {
            Neighbours(newObj);
            if (!SameNames(oldObj, newObj)) Dependencies(oldObj);
        }
    }

    public void OnDelete(ServerPowerResource obj) => Neighbours(obj);

    private void Neighbours(ServerPowerResource server)
    {
        var ns = server.Metadata.NamespaceProperty ?? "";
        foreach (var dependent in graph.Dependents(ns, server.Metadata.Name ?? "")) enqueue(ObjectKey.From(dependent.Metadata));
        Dependencies(server);
    }

    private void Dependencies(ServerPowerResource server)
    {
        var ns = server.Metadata.NamespaceProperty ?? "";
        foreach (var name in (server.Spec.StartAfter ?? []).Distinct()) enqueue(new ObjectKey(ns, name));
    }

    /// <summary>What a neighbour's decision reads of this server.</summary>
    private static (bool Up, bool StopsAndRuns, string? Ready) Signature(ServerPowerResource s) =>
        (DependencyResolver.IsUp(s), DependencyResolver.StopsAndStillRuns(s), Conditions.Find(s.Status?.Conditions, ConditionTypes.Ready)?.Status);

    private static bool SameNames(ServerPowerResource a, ServerPowerResource b) =>
        (a.Spec.StartAfter ?? []).SequenceEqual(b.Spec.StartAfter ?? []);
}
