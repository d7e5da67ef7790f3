namespace ServerPower.Simulation.Tests.Harness;

/// <summary>Counters of one run, summed over seeds for the summary line.</summary>
internal sealed class SimStats
{
    public long Steps { get; set; }
    public long Faults { get; set; }
    public long Destructive { get; set; }
    public long Reconciles { get; set; }
    public long ProviderRequests { get; set; }
}
