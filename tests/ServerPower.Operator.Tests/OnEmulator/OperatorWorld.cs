using System.Text.Json.Nodes;
using k8s;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using ServerPower.Api.Resources;
using ServerPower.Operator.Hosting;
using ServerPower.Operator.AutoStop;
using ServerPower.Operator.Kubernetes;
using ServerPower.Operator.Ordering;
using ServerPower.Operator.Ownership;
using ServerPower.Operator.Reconciliation;
using ServerPower.Runtime;
using ServerPower.Sandbox.Command;
using ServerPower.Providers;
using ServerPower.Providers.Contract;
using ServerPower.Sandbox.Kubernetes;
using ServerPower.Sandbox.Providers;
using ServerPower.Sandbox.Providers.Core;
using ServerPower.Providers.Outbound;
using ServerPower.Operator.Endpoints;
using ServerPower.Operator.Probing;

namespace ServerPower.Operator.Tests.OnEmulator;

/// <summary>
/// The operator's real edges on 127.0.0.1: the Kubernetes API emulator with the project's CRDs, a Wenium simulator,
/// one PowerProvider and one ServerPower in namespace <see cref="Ns"/>, and the real ServerPower reconciler on the
/// operator's own client (<see cref="KubernetesConfig"/>: per-call timeout, field manager).
/// </summary>
public sealed class OperatorWorld : IAsyncDisposable
{
    public const string Ns = "games";
    public const string Name = "mc";
    public static readonly ObjectKey Key = new(Ns, Name);

    private readonly string dir;
    private readonly ServiceProvider providers;

    private OperatorWorld(KubeApiEmulator emulator, IProviderSimulator wenium, string dir, string serverId)
    {
        Emulator = emulator;
        Wenium = wenium;
        this.dir = dir;
        ServerId = serverId;
        Kubeconfig = emulator.WriteKubeconfig(Path.Combine(dir, "kubeconfig"));
        Client = KubernetesConfig.CreateClient(KubernetesConfig.Load(Kubeconfig));
        Resources = new KubernetesResourceClient(Client);
        providers = new ServiceCollection().AddSingleton(OutboundPolicy.AllowingLoopback).AddServerPowerProviders().BuildServiceProvider();
        var resolver = new ProviderResolver(Resources, providers.GetRequiredService<IPowerProviderFactory>(), new EndpointPolicy(false, true, []));
        var events = new KubernetesEventRecorder(Client, TimeProvider.System, NullLogger<KubernetesEventRecorder>.Instance, "test");
        Reconciler = new ServerPowerReconciler(Resources, resolver, events, TimeProvider.System, OperatorHost.Settings(new OperatorOptions()),
            NullLogger<ServerPowerReconciler>.Instance, ReadinessProbesOff.Instance, StartOrderOff.Instance, SchedulesOff.Instance, ServerOwnershipOff.Instance,
            ActivityMonitorOff.Instance);
    }

    public KubeApiEmulator Emulator { get; }
    public IProviderSimulator Wenium { get; }
    public string ServerId { get; }
    public string Kubeconfig { get; }
    public IKubernetes Client { get; }
    public KubernetesResourceClient Resources { get; }
    public ServerPowerReconciler Reconciler { get; }

    public static async Task<OperatorWorld> StartAsync(Action<KubeApiEmulatorOptions>? configure = null)
    {
        var ct = TestContext.Current.CancellationToken;
        var options = new KubeApiEmulatorOptions();
        configure?.Invoke(options);
        var emulator = await KubeApiEmulator.StartAsync(options, ct);
        var wenium = await ProviderSimulators.StartAsync(ProviderType.Wenium, new SimulatorOptions
        {
            StartDelay = TimeSpan.FromMilliseconds(100), StopDelay = TimeSpan.FromMilliseconds(100),
        }, ct);
        const string serverId = "4242";
        wenium.AddServer(serverId, SimPowerState.Running);
        var root = RepositoryRoot.Find();
        foreach (var crd in Directory.GetFiles(Path.Combine(root, "crds"), "*.yaml"))
            await emulator.ApplyYamlAsync(await File.ReadAllTextAsync(crd, ct), cancellationToken: ct);
        await emulator.ApplyYamlAsync($$"""
            apiVersion: v1
            kind: Namespace
            metadata: {name: {{Ns}}}
            ---
            apiVersion: v1
            kind: Secret
            metadata: {name: wenium-token, namespace: {{Ns}}}
            stringData: {token: "{{wenium.Token}}"}
            ---
            apiVersion: power.serverops.io/v1alpha1
            kind: PowerProvider
            metadata: {name: wenium, namespace: {{Ns}}}
            spec:
              type: Wenium
              endpoint: {{wenium.BaseAddress.ToString().TrimEnd('/')}}
              credentialsSecretRef: {name: wenium-token, key: token}
            ---
            apiVersion: power.serverops.io/v1alpha1
            kind: ServerPower
            metadata: {name: {{Name}}, namespace: {{Ns}}}
            spec:
              providerRef: {name: wenium}
              serverId: "{{serverId}}"
              state: Running
            """, cancellationToken: ct);
        var dir = Directory.CreateTempSubdirectory("operator-world-").FullName;
        return new OperatorWorld(emulator, wenium, dir, serverId);
    }

    /// <summary>The ServerPower as stored by the API server.</summary>
    public async Task<ServerPowerResource> ServerAsync() =>
        await Resources.GetServerAsync(Ns, Name, TestContext.Current.CancellationToken)
        ?? throw new InvalidOperationException("the ServerPower is gone");

    /// <summary>Sets an annotation as a user would (kubectl annotate), through the API as the admin.</summary>
    public async Task AnnotateAsync(string key, string value)
    {
        using var http = Emulator.CreateHttpClient();
        using var content = new StringContent(new JsonObject { ["metadata"] = new JsonObject { ["annotations"] = new JsonObject { [key] = value } } }.ToJsonString(),
            System.Text.Encoding.UTF8, "application/merge-patch+json");
        using var response = await http.PatchAsync($"/apis/power.serverops.io/v1alpha1/namespaces/{Ns}/serverpowers/{Name}", content,
            TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Reconciles until the status is written and Ready is True (the server is observed Running).</summary>
    public async Task ReconcileUntilReadyAsync()
    {
        for (var i = 0; i < 20; i++)
        {
            await Reconciler.ReconcileAsync(Key, TestContext.Current.CancellationToken);
            var ready = (await ServerAsync()).Status?.Conditions?.FirstOrDefault(c => c.Type == "Ready");
            if (ready?.Status == "True") return;
        }
        throw new InvalidOperationException("the ServerPower did not become Ready");
    }

    /// <summary>Action requests the simulator received for the server, by action name.</summary>
    public int Actions(string action) =>
        Wenium.Requests.Matching("POST", $"/servers/{ServerId}/action").Count(r => r.Body?.Contains($"\"{action}\"", StringComparison.Ordinal) == true);

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await providers.DisposeAsync();
        await Wenium.DisposeAsync();
        await Emulator.DisposeAsync();
        Directory.Delete(dir, recursive: true);
    }
}
