namespace ServerPower.Operator.Probing;

public sealed record ProberOptions
{
    /// <summary>Probes in flight at once, over all servers; more due probes wait for a slot.</summary>
    public int MaxConcurrency { get; init; } = 32;
}
