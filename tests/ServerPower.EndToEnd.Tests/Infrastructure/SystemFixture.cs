using ServerPower.Api.Resources;
using ServerPower.Sandbox.Command;
using ServerPower.Sandbox.Providers;
using ServerPower.Sandbox.Services;

namespace ServerPower.EndToEnd.Tests.Infrastructure;

/// <summary>
/// One cluster with our CRDs installed (by kubectl apply -f crds/) and one simulator per provider type, shared by
/// the scenarios of a test class. Each scenario works in its own namespace with its own operator process.
/// </summary>
public abstract class SystemFixture<TCluster> : IAsyncLifetime where TCluster : ITestCluster, new()
{
    public TCluster Cluster { get; } = new();
    public Dictionary<ProviderType, IProviderSimulator> Simulators { get; } = [];
    public Kubectl Kubectl { get; private set; } = null!;
    public string Root { get; } = RepositoryRoot.Find();
    /// <summary>What the samples' readiness probes connect to (a listener on 127.0.0.1).</summary>
    public ServiceListener SampleService { get; } = ServiceListener.Start();

    public async ValueTask InitializeAsync()
    {
        if (Cluster.UnavailableReason is not null) return;
        await Cluster.StartAsync();
        Kubectl = new Kubectl(Cluster.Kubeconfig);
        await Kubectl.RunAsync("apply", "-f", Path.Combine(Root, "crds"));
        await Kubectl.TryRunAsync("create", "namespace", EmulatorCluster.ReleaseNamespace);
        await Kubectl.RunAsync("wait", "--for=condition=Established", "crd/serverpowers.power.serverops.io", "crd/powerproviders.power.serverops.io", "--timeout=60s");
        var options = new SimulatorOptions { StartDelay = TimeSpan.FromMilliseconds(500), StopDelay = TimeSpan.FromMilliseconds(500), InstallDelay = TimeSpan.FromSeconds(1) };
        foreach (var type in Enum.GetValues<ProviderType>())
            Simulators[type] = await ProviderSimulators.StartAsync(type, options);
    }

    /// <summary>The operator as a separate process, for one namespace, holding its own Lease in the release namespace.</summary>
    public OperatorProcess StartOperator(string ns) =>
        OperatorProcess.Start(Cluster.OperatorKubeconfig, "--namespaces", ns,
            "--leader-election-namespace", EmulatorCluster.ReleaseNamespace, "--leader-election-lease", $"serverpower-{ns}");

    /// <summary>The operator as in a pod (service account files, KUBERNETES_SERVICE_HOST/PORT), for one namespace; secure clusters only.</summary>
    public OperatorProcess StartOperatorInCluster(string ns, EmulatorCluster cluster) =>
        OperatorProcess.StartInCluster(cluster.Emulator.BaseAddress,
            cluster.OperatorServiceAccount ?? throw new InvalidOperationException("only a secure cluster has service account files"),
            "--namespaces", ns, "--leader-election-namespace", EmulatorCluster.ReleaseNamespace,
            "--leader-election-lease", $"serverpower-{ns}");

    /// <summary>The samples, pointed at the simulators, as multi-document YAML (each document JSON, which is YAML).</summary>
    public string SamplesManifest()
    {
        var documents = SampleInstaller.PointAtSimulators(SampleInstaller.Load(Path.Combine(Root, "config", "samples")), Simulators, SampleService);
        return "---\n" + string.Join("\n---\n", documents.Select(d => d.ToJsonString()));
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var simulator in Simulators.Values) await simulator.DisposeAsync();
        await SampleService.DisposeAsync();
        await Cluster.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}

public sealed class EmulatorSystem : SystemFixture<EmulatorCluster>;

public sealed class SecureEmulatorSystem : SystemFixture<SecureEmulatorCluster>;

public sealed class K3sSystem : SystemFixture<K3sCluster>;
