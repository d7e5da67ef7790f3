namespace ServerPower.Operator.Runtime;

/// <summary>
/// What a reconcile asks of the work queue (controller-runtime semantics): success forgets the key's backoff and,
/// with <see cref="RequeueAfter"/>, adds it again after that delay; failure requeues with per-key exponential backoff.
/// </summary>
public sealed record ReconcileResult(TimeSpan? RequeueAfter = null, bool Failed = false, string? Error = null)
{
    public static ReconcileResult Done { get; } = new();

    public static ReconcileResult After(TimeSpan delay) => new(delay);

    public static ReconcileResult Fail(string error) => new(null, true, error);
}
