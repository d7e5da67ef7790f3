using System.Diagnostics;
using ServerPower.Api.Connection;
using ServerPower.Sandbox.Command;
using ServerPower.Sandbox.Kubernetes;
using ServerPower.Sandbox.Kubernetes.Rbac;

namespace ServerPower.EndToEnd.Tests.Infrastructure;

/// <summary>
/// The Kubernetes API emulator on 127.0.0.1, in this test process. The operator's identity may do exactly what the
/// Helm chart's rendered Role and ClusterRole allow (.ci/render-rbac.sh): anything more is a 403, as in a cluster.
/// Scenarios reach the emulator itself through <see cref="Emulator"/> (fault injection, request counts).
/// </summary>
public class EmulatorCluster : ITestCluster
{
    /// <summary>The chart's release namespace, where its leader-election Role lets the operator hold Leases.</summary>
    public const string ReleaseNamespace = "serverpower-system";

    private readonly bool secure;
    private KubeApiEmulator? emulator;

    public EmulatorCluster() : this(secure: false)
    {
    }

    /// <param name="secure">
    /// HTTPS with HTTP/2 and a CA made at startup (kubeconfigs carry certificate-authority-data), no anonymous access,
    /// and an operator kubeconfig whose user reads its token from a file (<see cref="RotateOperatorTokenAsync"/>).
    /// </param>
    protected EmulatorCluster(bool secure) => this.secure = secure;

    public string? UnavailableReason => null;

    public string Kubeconfig { get; private set; } = "";

    public string OperatorKubeconfig { get; private set; } = "";

    public KubeApiEmulator Emulator => emulator ?? throw new InvalidOperationException("the cluster is not started");

    /// <summary>The operator's identity (the chart's RBAC).</summary>
    public EmulatorIdentity OperatorIdentity { get; private set; } = null!;

    /// <summary>The token file of the operator's kubeconfig (secure clusters only).</summary>
    public string? OperatorTokenFile { get; private set; }

    /// <summary>The operator's token file and the cluster's CA, as a pod's service account mounts them (secure clusters only).</summary>
    public ServiceAccountFiles? OperatorServiceAccount { get; private set; }

    public async Task StartAsync()
    {
        OperatorIdentity = EmulatorIdentity.FromRbacYaml("operator-e2e-token", await RenderChartRbacAsync());
        var options = new KubeApiEmulatorOptions { Port = 0, Https = secure, AnonymousIsAdmin = !secure };
        options.Identities.Add(OperatorIdentity);
        emulator = await KubeApiEmulator.StartAsync(options);
        var dir = Path.GetTempPath();
        Kubeconfig = emulator.WriteKubeconfig(Path.Combine(dir, $"e2e-{Guid.NewGuid():N}.kubeconfig"));
        if (secure)
        {
            OperatorTokenFile = Path.Combine(dir, $"e2e-operator-{Guid.NewGuid():N}.token");
            await File.WriteAllTextAsync(OperatorTokenFile, OperatorIdentity.Token + "\n");
            OperatorKubeconfig = emulator.WriteKubeconfigWithTokenFile(Path.Combine(dir, $"e2e-operator-{Guid.NewGuid():N}.kubeconfig"), OperatorTokenFile);
            var ca = Path.Combine(dir, $"e2e-ca-{Guid.NewGuid():N}.crt");
            await File.WriteAllTextAsync(ca, emulator.CertificateAuthorityPem);
            OperatorServiceAccount = new ServiceAccountFiles(OperatorTokenFile, ca);
        }
        else
        {
            OperatorKubeconfig = emulator.WriteKubeconfigFor(Path.Combine(dir, $"e2e-operator-{Guid.NewGuid():N}.kubeconfig"), OperatorIdentity);
        }
    }

    /// <summary>
    /// Rotates the operator's token as the kubelet rotates a projected service-account token: the API server accepts
    /// the new token, the file is replaced by a rename, then the old token is revoked. Returns the new token.
    /// </summary>
    public async Task<string> RotateOperatorTokenAsync(string previous)
    {
        var file = OperatorTokenFile ?? throw new InvalidOperationException("only a secure cluster has a token file");
        var next = $"operator-e2e-token-{Guid.NewGuid():N}";
        Emulator.AcceptToken(OperatorIdentity, next);
        var staged = file + ".next";
        await File.WriteAllTextAsync(staged, next + "\n");
        File.SetLastWriteTimeUtc(staged, File.GetLastWriteTimeUtc(file).AddSeconds(1));
        File.Move(staged, file, overwrite: true);
        Emulator.RevokeToken(previous);
        return next;
    }

    private static async Task<string> RenderChartRbacAsync()
    {
        var root = RepositoryRoot.Find();
        ServerPower.TestSupport.RequiredTools.Ensure("helm");
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
        foreach (var file in new[] { Kubeconfig, OperatorKubeconfig, OperatorTokenFile, OperatorServiceAccount?.CaFile }.Where(f => f is not null && File.Exists(f)))
            File.Delete(file!);
        GC.SuppressFinalize(this);
    }
}

/// <summary>The emulator over its production-like transport: HTTPS, HTTP/2, a cluster CA, a rotating token file.</summary>
public sealed class SecureEmulatorCluster() : EmulatorCluster(secure: true);
