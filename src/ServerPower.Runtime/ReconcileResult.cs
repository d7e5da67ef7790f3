namespace ServerPower.Runtime;

/// <summary>
/// What a reconcile asks of the work queue (controller-runtime semantics): success forgets the key's backoff and,
/// with <see cref="RequeueAfter"/>, adds it again after that delay; failure requeues with per-key exponential backoff.
/// </summary>
public sealed record ReconcileResult(TimeSpan? RequeueAfter = null, bool Failed = false, string? Error = null, bool Conflict = false)
{
    /// <summary>
    /// The object changed under us (409): requeue with the key's backoff, which is not reset (a conflict is no
    /// success), so conflicts alternating with failures never turn into a fast loop. Not logged as an error.
    /// </summary>
    public static ReconcileResult Conflicted { get; } = new(Conflict: true);

    public static ReconcileResult Done { get; } = new();

    public static ReconcileResult After(TimeSpan delay) => new(delay);

    public static ReconcileResult Fail(string error) => new(null, true, error);
}
