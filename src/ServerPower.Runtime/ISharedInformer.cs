namespace ServerPower.Runtime;

/// <summary>An informer seen by the manager, whatever its kind: it runs them all and waits for their caches.</summary>
public interface ISharedInformer
{
    string Kind { get; }

    /// <summary>Completes when every watched namespace (or the whole cluster) has been listed once.</summary>
    Task Synced { get; }

    bool HasSynced { get; }

    /// <summary>Runs until cancelled; returns normally on cancellation.</summary>
    Task RunAsync(CancellationToken cancellationToken);
}
