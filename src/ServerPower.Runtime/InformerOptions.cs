namespace ServerPower.Runtime;

/// <summary>List+watch tuning (client-go reflector defaults).</summary>
public sealed record InformerOptions
{
    /// <summary>One list+watch per namespace when set; one cluster-wide list+watch when empty.</summary>
    public IReadOnlyList<string> Namespaces { get; init; } = [];

    /// <summary>Each watch asks the server to end it after a random time in [min, max] (client-go: 5–10 min).</summary>
    public TimeSpan MinWatchTimeout { get; init; } = TimeSpan.FromMinutes(5);

    public TimeSpan MaxWatchTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>The client cancels a watch on which nothing, not even a BOOKMARK, arrived for the server timeout plus this.</summary>
    public TimeSpan WatchdogMargin { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Backoff before a relist after an error other than 410: doubles from the initial value to the cap, with jitter.</summary>
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromMilliseconds(800);

    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(30);
}
