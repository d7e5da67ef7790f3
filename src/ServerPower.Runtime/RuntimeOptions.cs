namespace ServerPower.Runtime;

/// <summary>Settings of the manager: shared by every informer, queue and controller unless a controller has its own.</summary>
public sealed record RuntimeOptions
{
    /// <summary>Namespaces to watch (empty: all) and watch tuning, for every kind.</summary>
    public InformerOptions Informer { get; init; } = new();

    /// <summary>Only objects matching this label selector are seen (lets several deployments share a cluster).</summary>
    public string? LabelSelector { get; init; }

    /// <summary>Workers, resync and drain of a controller registered without options of its own.</summary>
    public ControllerOptions Controller { get; init; } = new();

    public WorkQueueOptions Queue { get; init; } = new();

    public LeaderElectionOptions LeaderElection { get; init; } = new();
}
