using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using ServerPower.Api.Resources;
using ServerPower.Api.Vocabulary;
using ServerPower.Operator.Decision;
using ServerPower.Operator.Kubernetes;
using ServerPower.Operator.Reconciliation;
using ServerPower.Runtime;
using ServerPower.Providers.Contract;
using ServerPower.Operator.Endpoints;
using ServerPower.Operator.Probing;
using ServerPower.Operator.AutoStop;
using ServerPower.Operator.Ordering;
using ServerPower.Operator.Ownership;

namespace ServerPower.Operator.Tests.Reconciliation;

/// <summary>A ServerPower reconciler wired to in-memory edges: one namespace, one provider, one server.</summary>
public sealed class ReconcilerFixture : IEventRecorder
{
    public const string Ns = "games";
    public static readonly ObjectKey Key = new(Ns, "mc");

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 22, 10, 0, 0, TimeSpan.Zero));
    public InMemoryResourceClient Kube { get; } = new();
    public ScriptedProvider Provider { get; }
    public List<(bool Warning, string Reason, string Message)> Events { get; } = [];
    public ServerPowerReconciler Reconciler { get; }
    public ProviderResolver Resolver { get; }
    public DecisionSettings Settings { get; } = new(TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(5));

    public ReconcilerFixture(ProviderType type = ProviderType.Wenium, ProviderCapabilities? capabilities = null)
    {
        Provider = new ScriptedProvider(type, capabilities ?? new ProviderCapabilities(true, true,
            new HashSet<ActionType> { ActionType.Start, ActionType.Stop, ActionType.Restart, ActionType.Rebuild }, RebuildUsesSpec: true));
        Kube.PutSecret(Ns, "token", "token", "s3cr3t-token");
        Kube.Put(new PowerProviderResource
        {
            Metadata = new V1ObjectMeta { Name = "main", NamespaceProperty = Ns },
            Spec = new PowerProviderSpec { Type = type, Endpoint = "https://provider.example.com/api", CredentialsSecretRef = new SecretKeyReference { Name = "token", Key = "token" } },
        });
        Resolver = new ProviderResolver(Kube, Provider, EndpointPolicy.Default);
        Reconciler = ReconcilerWith();
    }

    /// <summary>
    /// A reconciler over this fixture's cluster, events and clock with the features given (the fixture's resolver
    /// unless <paramref name="resolver"/>); every feature not given is off.
    /// </summary>
    public ServerPowerReconciler ReconcilerWith(IReadinessProbes? probes = null, IStartOrder? order = null, IScheduleClient? schedules = null,
        IServerOwnership? owners = null, IActivityMonitor? activity = null, ProviderResolver? resolver = null) =>
        new(Kube, resolver ?? Resolver, this, Time, Settings, NullLogger<ServerPowerReconciler>.Instance, probes ?? ReadinessProbesOff.Instance,
            order ?? StartOrderOff.Instance, schedules ?? SchedulesOff.Instance, owners ?? ServerOwnershipOff.Instance, activity ?? ActivityMonitorOff.Instance);

    public ServerPowerResource AddServer(DesiredPowerState state, PowerState observed, Action<ServerPowerResource>? configure = null)
    {
        Provider.Servers["1234"] = new ObservedServer(observed, observed.ToString().ToLowerInvariant());
        var server = new ServerPowerResource
        {
            Metadata = new V1ObjectMeta { Name = Key.Name, NamespaceProperty = Ns, Annotations = new Dictionary<string, string>() },
            Spec = new ServerPowerSpec { ProviderRef = new LocalObjectReference { Name = "main" }, ServerId = "1234", State = state },
        };
        configure?.Invoke(server);
        Kube.Put(server);
        return server;
    }

    public Task<ReconcileResult> ReconcileAsync() => Reconciler.ReconcileAsync(Key, CancellationToken.None);

    /// <summary>The PowerProvider's own reconcile (its resync: the Secrets read again, or the account released when it is gone).</summary>
    public Task<ReconcileResult> ReconcileProviderAsync() =>
        new PowerProviderReconciler(Kube, Resolver, Time, Settings, NullLogger<PowerProviderReconciler>.Instance)
            .ReconcileAsync(new ObjectKey(Ns, "main"), CancellationToken.None);

    public ServerPowerResource Server => Kube.Server(Ns, Key.Name);

    public Condition? Condition(string type) => Server.Status?.Conditions?.FirstOrDefault(c => c.Type == type);

    /// <summary>Changes the object as a user would (kubectl apply): spec/metadata change, generation bump.</summary>
    public void Edit(Action<ServerPowerResource> change)
    {
        var server = Server;
        change(server);
        server.Metadata.Generation = (server.Metadata.Generation ?? 1) + 1;
        Kube.Put(server);
    }

    public Task RecordAsync(IKubernetesObject<V1ObjectMeta> regarding, bool warning, string reason, string message, CancellationToken cancellationToken)
    {
        Events.Add((warning, reason, message));
        return Task.CompletedTask;
    }

    public static void SetAnnotation(ServerPowerResource server, string key, string value) =>
        (server.Metadata.Annotations ??= new Dictionary<string, string>())[key] = value;

    public const string RestartKey = Annotations.Restart;
    public const string RebuildKey = Annotations.Rebuild;
}
