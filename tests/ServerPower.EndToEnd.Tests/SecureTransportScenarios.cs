using ServerPower.Api.Resources;
using ServerPower.EndToEnd.Tests.Infrastructure;
using ServerPower.Sandbox.Kubernetes.Faults;
using ServerPower.Sandbox.Providers;
using ServerPower.Sandbox.Providers.Core;

namespace ServerPower.EndToEnd.Tests;

/// <summary>
/// The operator process and kubectl over the emulator's production-like transport: HTTPS with HTTP/2 and a cluster CA
/// (certificate-authority-data in both kubeconfigs), the operator authenticating with a kubeconfig tokenFile that is
/// rotated (and the old token revoked) mid-scenario, while the emulator cuts the operator's watch and refuses a status
/// write with API priority and fairness' 429; and the operator as in a pod, from service account token and CA files.
/// </summary>
[Collection("emulator")]
public sealed class SecureTransportScenarios(SecureEmulatorSystem system) : IClassFixture<SecureEmulatorSystem>
{
    private readonly string ns = $"e2e-tls-{Guid.NewGuid().ToString("N")[..8]}";
    private Kubectl Kubectl => system.Kubectl;
    private SecureEmulatorCluster Cluster => system.Cluster;
    private IProviderSimulator Wenium => system.Simulators[ProviderType.Wenium];

    private Task<string> JsonPathAsync(string name, string path) =>
        Kubectl.RunAsync("get", "serverpower", name, "-n", ns, "-o", $"jsonpath={{{path}}}");

    [Fact]
    public async Task Over_https_with_a_rotated_token_and_API_faults_a_restart_is_sent_once_and_ends_Done()
    {
        await Kubectl.RunAsync("create", "namespace", ns);
        // The operator's first ServerPower watch in this namespace is cut after two events; it must resume, not relist.
        using var cutWatch = Cluster.Emulator.Faults.Add(new ApiFaultRule(ApiFaultKind.AbortWatch, "watch", "serverpowers")
        {
            Namespace = ns, AfterEvents = 2,
        });
        await using var op = system.StartOperator(ns);
        var id = await ApplyServerAsync("game", SimPowerState.Running);
        await Kubectl.RunAsync("wait", "-n", ns, "--for=condition=Ready", "serverpower/game", "--timeout=90s");
        Assert.Equal(1, cutWatch.Hits);

        var token = await Cluster.RotateOperatorTokenAsync(Cluster.OperatorIdentity.Token);
        // The restart is recorded as Sending first (one status patch); the patch recording the provider's answer gets a 429.
        using var throttled = Cluster.Emulator.Faults.Add(new ApiFaultRule(ApiFaultKind.TooManyRequests, "patch", "serverpowers/status")
        {
            Namespace = ns, Skip = 1, RetryAfterSeconds = 1,
        });
        await Kubectl.RunAsync("annotate", "serverpower", "game", "-n", ns, "power.serverops.io/restart=after-rotation");
        await Eventually.WaitAsync(() => JsonPathAsync("game", ".status.restart.phase"), v => v == "Done", "restart phase Done");

        Assert.Equal(1, throttled.Hits);
        Assert.Single(Wenium.Requests.Matching("POST", $"/servers/{id}/action"),
            r => r.Body?.Contains("\"reboot\"", StringComparison.Ordinal) == true);
        Assert.True(Cluster.Emulator.CountRequestsWithToken(token) > 0, "the operator re-read its rotated token file");
        Assert.False(op.HasExited, op.Log);
    }

    [Fact]
    public async Task In_cluster_mode_with_service_account_files_the_operator_reconciles_and_never_loads_a_YAML_library()
    {
        await Kubectl.RunAsync("create", "namespace", ns);
        await using var op = system.StartOperatorInCluster(ns, Cluster);
        var id = await ApplyServerAsync("pod-mode", SimPowerState.Offline);
        await Kubectl.RunAsync("wait", "-n", ns, "--for=condition=Ready", "serverpower/pod-mode", "--timeout=90s");

        Assert.Equal("Running", await JsonPathAsync("pod-mode", ".status.powerState"));
        Assert.Single(Wenium.Requests.Matching("POST", $"/servers/{id}/action"));
        var token = (await File.ReadAllTextAsync(Cluster.OperatorServiceAccount!.TokenFile, TestContext.Current.CancellationToken)).Trim();
        Assert.True(Cluster.Emulator.CountRequestsWithToken(token) > 0, "the operator used its service account token");
        Assert.True(op.HasMapped("ServerPower.Operator.dll"), "/proc/PID/maps lists the assemblies the process loaded");
        Assert.False(op.HasMapped("YamlDotNet.dll"), "in cluster no kubeconfig is read, so no YAML library is loaded");
        Assert.False(op.HasExited, op.Log);
    }

    /// <summary>The Wenium PowerProvider and a ServerPower <paramref name="name"/> declared Running for a new simulator server; returns its id.</summary>
    private async Task<string> ApplyServerAsync(string name, SimPowerState state)
    {
        var id = Random.Shared.Next(100_000, 999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);
        Wenium.AddServer(id, state);
        var manifest = Path.Combine(Path.GetTempPath(), $"e2e-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(manifest, ProviderManifest.For(Wenium) + $$"""

            ---
            apiVersion: power.serverops.io/v1alpha1
            kind: ServerPower
            metadata: {name: {{name}}}
            spec:
              providerRef: {name: wenium}
              serverId: "{{id}}"
              state: Running
            """, TestContext.Current.CancellationToken);
        await Kubectl.RunAsync("apply", "-n", ns, "-f", manifest);
        File.Delete(manifest);
        return id;
    }
}
