using ServerPower.Sandbox.Kubernetes;

namespace ServerPower.EndToEnd.Tests.Infrastructure;

/// <summary>The Kubernetes API emulator on 127.0.0.1, in this test process.</summary>
public sealed class EmulatorCluster : ITestCluster
{
    private KubeApiEmulator? emulator;

    public string? UnavailableReason => null;

    public string Kubeconfig { get; private set; } = "";

    public async Task StartAsync()
    {
        emulator = await KubeApiEmulator.StartAsync(new KubeApiEmulatorOptions { Port = 0 });
        Kubeconfig = emulator.WriteKubeconfig(Path.Combine(Path.GetTempPath(), $"e2e-{Guid.NewGuid():N}.kubeconfig"));
    }

    public async ValueTask DisposeAsync()
    {
        if (emulator is not null) await emulator.DisposeAsync();
        if (File.Exists(Kubeconfig)) File.Delete(Kubeconfig);
    }
}
