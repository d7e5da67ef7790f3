using ServerPower.Runtime;

namespace ServerPower.Runtime.Tests;

/// <summary>Distinct reconciler types (the container builds reconcilers by type) over recording reconcilers.</summary>
internal sealed class ServersReconciler(RecordingReconciler inner) : IReconciler
{
    public Task<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken cancellationToken) => inner.ReconcileAsync(key, cancellationToken);
}

internal sealed class ProvidersReconciler(RecordingReconciler inner) : IReconciler
{
    public Task<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken cancellationToken) => inner.ReconcileAsync(key, cancellationToken);
}

internal sealed class AuditReconciler(RecordingReconciler inner) : IReconciler
{
    public Task<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken cancellationToken) => inner.ReconcileAsync(key, cancellationToken);
}
