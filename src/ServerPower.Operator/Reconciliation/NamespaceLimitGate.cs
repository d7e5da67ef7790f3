using ServerPower.Api.Resources;
using ServerPower.Api.Vocabulary;
using ServerPower.Operator.Decision;
using ServerPower.Operator.Kubernetes;
using ServerPower.Operator.Probing;
using ServerPower.Runtime;

namespace ServerPower.Operator.Reconciliation;

/// <summary>
/// In front of the <see cref="ServerPowerReconciler"/>: a ServerPower beyond its namespace's limit
/// (<see cref="NamespaceQuota"/>) is not reconciled, probed or acted on; it is told so, in Ready and Synced
/// (<c>NamespaceLimitExceeded</c>) and by one Warning event, rather than being served slowly without a word. One being
/// deleted is always passed on (its finalizer must be handled).
/// </summary>
public sealed class NamespaceLimitGate(
    ServerPowerReconciler inner, NamespaceQuota quota, IResourceClient client, IEventRecorder events, TimeProvider time,
    IReadinessProbes probes) : IReconciler
{
    public async Task<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken cancellationToken)
    {
        if (quota.Exceeded(key) is not { } count) return await inner.ReconcileAsync(key, cancellationToken);
        var server = await client.GetServerAsync(key.Namespace, key.Name, cancellationToken);
        if (server is null || server.Metadata.DeletionTimestamp is not null) return await inner.ReconcileAsync(key, cancellationToken);
        probes.Track(key, null, null);
        var message = $"namespace \"{key.Namespace}\" holds {count} ServerPowers and the operator serves the oldest {quota.Limit} " +
            "(--max-servers-per-namespace): this one is not reconciled, probed or acted on until older ones are deleted";
        var now = time.GetUtcNow();
        var conditions = server.Status?.Conditions;
        var wasExceeded = Conditions.Find(conditions, ConditionTypes.Synced)?.Reason == Reasons.NamespaceLimitExceeded;
        foreach (var type in new[] { ConditionTypes.Ready, ConditionTypes.Synced })
        {
            conditions = Conditions.Set(conditions, new Condition
            {
                Type = type, Status = "False", Reason = Reasons.NamespaceLimitExceeded, Message = message,
                ObservedGeneration = server.Metadata.Generation,
            }, now);
        }
        var status = (server.Status ?? new ServerPowerStatus()) with { Conditions = conditions, ObservedGeneration = server.Metadata.Generation };
        try
        {
            if (!ServerPowerReconciler.StatusEquals(server.Status, status))
                server = await client.PatchServerStatusAsync(server, status, requireResourceVersion: true, cancellationToken);
        }
        catch (ConflictException)
        {
            return ReconcileResult.Conflicted;
        }
        if (!wasExceeded) await events.RecordAsync(server, true, Reasons.NamespaceLimitExceeded, message, cancellationToken);
        return ReconcileResult.Done;
    }
}
