namespace ServerPower.EndToEnd.Tests.Infrastructure;

/// <summary>A Kubernetes API the scenarios run against: the emulator here, k3s where Docker exists.</summary>
public interface ITestCluster : IAsyncDisposable
{
    /// <summary>Null when the cluster can run here; otherwise why the scenarios are skipped.</summary>
    string? UnavailableReason { get; }

    /// <summary>An admin kubeconfig, for kubectl.</summary>
    string Kubeconfig { get; }

    /// <summary>The operator's kubeconfig: on the emulator, an identity limited to the Helm chart's rendered RBAC.</summary>
    string OperatorKubeconfig { get; }

    Task StartAsync();
}
