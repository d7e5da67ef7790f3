using k8s.LeaderElection;

namespace ServerPower.Runtime;

/// <summary>KubernetesClient's <see cref="LeaderElector"/> as an <see cref="ILeaderElector"/> (the product's).</summary>
internal sealed class KubernetesLeaderElector(LeaderElectionConfig config) : ILeaderElector
{
    private readonly LeaderElector inner = new(config);

    public event Action? OnStartedLeading
    {
        add => inner.OnStartedLeading += value;
        remove => inner.OnStartedLeading -= value;
    }

    public event Action? OnStoppedLeading
    {
        add => inner.OnStoppedLeading += value;
        remove => inner.OnStoppedLeading -= value;
    }

    public event Action<string>? OnNewLeader
    {
        add => inner.OnNewLeader += value;
        remove => inner.OnNewLeader -= value;
    }

    public event Action<Exception>? OnError
    {
        add => inner.OnError += value;
        remove => inner.OnError -= value;
    }

    public Task RunUntilLeadershipLostAsync(CancellationToken cancellationToken) => inner.RunUntilLeadershipLostAsync(cancellationToken);

    public void Dispose() => inner.Dispose();
}
