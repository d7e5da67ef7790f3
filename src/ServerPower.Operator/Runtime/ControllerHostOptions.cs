namespace ServerPower.Operator.Runtime;

public sealed record ControllerHostOptions
{
    /// <summary>Namespaces to watch (empty: all) and watch tuning, for both kinds.</summary>
    public InformerOptions Informer { get; init; } = new();

    /// <summary>Only objects matching this label selector are seen (lets several deployments share a cluster).</summary>
    public string? LabelSelector { get; init; }

    /// <summary>Workers and resync of both controllers.</summary>
    public ControllerOptions Controller { get; init; } = new();

    public WorkQueueOptions Queue { get; init; } = new();

    public LeaderElectionOptions LeaderElection { get; init; } = new();
}
