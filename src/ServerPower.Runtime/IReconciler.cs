namespace ServerPower.Runtime;

/// <summary>Brings one object towards its declared state. Never called twice at once for one key.</summary>
public interface IReconciler
{
    Task<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken cancellationToken);
}
