using Testcontainers.K3s;

namespace ServerPower.EndToEnd.Tests.Infrastructure;

/// <summary>A real k3s in Docker through Testcontainers.K3s; unavailable (the scenarios skip) without a Docker engine.</summary>
public sealed class K3sCluster : ITestCluster
{
    public const string Image = "rancher/k3s:v1.32.4-k3s1";
    private K3sContainer? container;

    public string? UnavailableReason { get; } = DockerEngine.UnavailableReason;

    public string Kubeconfig { get; private set; } = "";

    public string OperatorKubeconfig => Kubeconfig;

    public async Task StartAsync()
    {
        if (UnavailableReason is not null) return;
        container = new K3sBuilder(Image).Build();
        await container.StartAsync();
        Kubeconfig = Path.Combine(Path.GetTempPath(), $"k3s-{Guid.NewGuid():N}.kubeconfig");
        await File.WriteAllTextAsync(Kubeconfig, await container.GetKubeconfigAsync());
    }

    public async ValueTask DisposeAsync()
    {
        if (container is not null) await container.DisposeAsync();
        if (File.Exists(Kubeconfig)) File.Delete(Kubeconfig);
    }
}
