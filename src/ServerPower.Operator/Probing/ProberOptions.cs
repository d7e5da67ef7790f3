namespace ServerPower.Operator.Probing;

public sealed record ProberOptions
{
    /// <summary>Probes in flight at once, over all servers; more due probes wait for a slot.</summary>
    public int MaxConcurrency { get; init; } = 32;

    /// <summary>
    /// Probes in flight at once for the servers of one namespace (--max-probes-per-namespace). A namespace's due probes
    /// beyond it wait for one of its own slots before they queue for the shared ones, so one tenant with many slow
    /// targets holds at most this many shared slots and another namespace's probe waits for at most this many of each
    /// other namespace's probes. Below <see cref="MaxConcurrency"/>, a single flooding namespace delays no other at all.
    /// </summary>
    public int MaxPerNamespace { get; init; } = 8;
}
