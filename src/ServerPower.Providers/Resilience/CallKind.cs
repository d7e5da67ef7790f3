namespace ServerPower.Providers.Resilience;

/// <summary>How a call may be retried and whether it counts against the concurrent-action limit.</summary>
internal enum CallKind
{
    /// <summary>Reads and probes: retried.</summary>
    Read,
    /// <summary>start and stop: idempotent, retried; one action slot.</summary>
    IdempotentAction,
    /// <summary>restart, kill, reset, rebuild: sent at most once, never retried; one action slot.</summary>
    DestructiveAction,
}
