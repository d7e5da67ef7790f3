using ServerPower.Runtime;

namespace ServerPower.Systematic.Tests;

/// <summary>The controller's reconciler, told to the <see cref="PromiseLedger"/>: which key each provider call comes from, and overlaps.</summary>
internal sealed class LedgerReconciler(IReconciler inner, PromiseLedger ledger, DeterministicScheduler scheduler) : IReconciler
{
    public async Task<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken cancellationToken)
    {
        scheduler.CheckThread("a reconcile");
        ledger.Enter(key);
        try
        {
            return await inner.ReconcileAsync(key, cancellationToken);
        }
        finally
        {
            scheduler.CheckThread("the end of a reconcile");
            ledger.Leave(key);
        }
    }
}
