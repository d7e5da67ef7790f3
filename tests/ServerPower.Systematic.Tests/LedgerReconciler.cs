using ServerPower.Runtime;

namespace ServerPower.Systematic.Tests;

/// <summary>
/// A replica's reconciler, told to the <see cref="PromiseLedger"/>: which replica's reconcile of which key each
/// provider call and status write comes from, and overlaps; <see cref="SharedLedger"/> counts keys two replicas
/// reconciled at once.
/// </summary>
internal sealed class LedgerReconciler(string replica, IReconciler inner, PromiseLedger ledger, DeterministicScheduler scheduler,
    SharedLedger shared) : IReconciler
{
    public async Task<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken cancellationToken)
    {
        scheduler.CheckThread("a reconcile");
        ledger.Enter(replica, key);
        shared.Enter(key);
        try
        {
            return await inner.ReconcileAsync(key, cancellationToken);
        }
        finally
        {
            scheduler.CheckThread("the end of a reconcile");
            shared.Leave(key);
            ledger.Leave(replica, key);
        }
    }
}
