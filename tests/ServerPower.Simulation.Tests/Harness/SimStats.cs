namespace ServerPower.Simulation.Tests.Harness;

/// <summary>Counters of one run, summed over seeds for the summary line.</summary>
internal sealed class SimStats
{
    public long Steps { get; set; }
    public long Faults { get; set; }
    public long Destructive { get; set; }
    public long Reconciles { get; set; }
    public long ProviderRequests { get; set; }

    // The later features' flows, counted where they happen (see FlowPlan).
    /// <summary>Schedule window transitions crossed while a server followed the schedule, and schedule edits.</summary>
    public long Schedules { get; set; }
    /// <summary>Override annotations set, changed or removed, and overrides that expired while set.</summary>
    public long Overrides { get; set; }
    /// <summary>Readiness probe results that changed what a server shows.</summary>
    public long Probes { get; set; }
    /// <summary>Stops and starts held for spec.startAfter (Ready=False WaitingForDependencies written), and order edits.</summary>
    public long Order { get; set; }
    /// <summary>Auto-stops sent (idle or maxRuntime) and wakes.</summary>
    public long AutoStop { get; set; }
}
