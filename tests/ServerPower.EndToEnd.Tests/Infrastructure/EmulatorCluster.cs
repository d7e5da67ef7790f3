using System.Diagnostics;
using ServerPower.Sandbox.Command;
using ServerPower.Sandbox.Kubernetes;
using ServerPower.Sandbox.Kubernetes.Rbac;

namespace ServerPower.EndToEnd.Tests.Infrastructure;

/// <summary>
/// The Kubernetes API emulator on 127.0.0.1, in this test process. The operator's identity may do exactly what the
/// Helm chart's rendered Role and ClusterRole allow (.ci/render-rbac.sh): anything more is a 403, as in a cluster.
/// </summary>
public sealed class EmulatorCluster : ITestCluster
{
    /// <summary>The chart's release namespace, where its leader-election Role lets the operator hold Leases.</summary>
    public const string ReleaseNamespace = "serverpower-system";

    private KubeApiEmulator? emulator;

    public string? UnavailableReason => null;

    public string Kubeconfig { get; private set; } = "";

    public string OperatorKubeconfig { get; private set; } = "";

    public async Task StartAsync()
    {
        var identity = EmulatorIdentity.FromRbacYaml("operator-e2e-token", await RenderChartRbacAsync());
        var options = new KubeApiEmulatorOptions { Port = 0 };
        options.Identities.Add(identity);
        emulator = await KubeApiEmulator.StartAsync(options);
        var dir = Path.GetTempPath();
        Kubeconfig = emulator.WriteKubeconfig(Path.Combine(dir, $"e2e-{Guid.NewGuid():N}.kubeconfig"));
        OperatorKubeconfig = emulator.WriteKubeconfigFor(Path.Combine(dir, $"e2e-operator-{Guid.NewGuid():N}.kubeconfig"), identity);
    }

    private static async Task<string> RenderChartRbacAsync()
    {
        var root = RepositoryRoot.Find();
        var output = Path.Combine(Path.GetTempPath(), $"rbac-{Guid.NewGuid():N}.yaml");
        var start = new ProcessStartInfo("bash") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in new[] { Path.Combine(root, ".ci", "render-rbac.sh"), output }) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"rendering the chart's RBAC failed (run bash .ci/install-deploy-tools.sh for helm): {error}");
        var yaml = await File.ReadAllTextAsync(output);
        File.Delete(output);
        return yaml;
    }

    public async ValueTask DisposeAsync()
    {
        if (emulator is not null) await emulator.DisposeAsync();
        foreach (var file in new[] { Kubeconfig, OperatorKubeconfig }.Where(File.Exists)) File.Delete(file);
    }
}
