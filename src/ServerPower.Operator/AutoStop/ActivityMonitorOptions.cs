namespace ServerPower.Operator.AutoStop;

public sealed record ActivityMonitorOptions
{
    /// <summary>Reads in flight at once, over all servers; more due reads wait for a slot.</summary>
    public int MaxConcurrency { get; init; } = 32;

    /// <summary>Reads in flight at once for the servers of one namespace, taken before the shared slots (as for probes).</summary>
    public int MaxPerNamespace { get; init; } = 8;
}
