namespace ServerPower.Runtime;

/// <summary>
/// What <see cref="LeaderElection"/> uses of an elector: KubernetesClient's LeaderElector in the product
/// (<see cref="KubernetesLeaderElector"/>); the systematic tests script one, because KubernetesClient's reads the wall
/// clock (DateTimeOffset.Now, Task.Delay without a TimeProvider) and cannot run under their fake clock.
/// </summary>
internal interface ILeaderElector : IDisposable
{
    event Action? OnStartedLeading;

    event Action? OnStoppedLeading;

    event Action<string>? OnNewLeader;

    event Action<Exception>? OnError;

    /// <summary>Acquires the lease, raises OnStartedLeading, renews until it fails, raises OnStoppedLeading, returns.</summary>
    Task RunUntilLeadershipLostAsync(CancellationToken cancellationToken);
}
