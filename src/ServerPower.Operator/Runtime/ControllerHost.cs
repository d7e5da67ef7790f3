using k8s;
using Microsoft.Extensions.Logging;
using ServerPower.Api.Resources;
using ServerPower.Api.Vocabulary;

namespace ServerPower.Operator.Runtime;

/// <summary>
/// Wires the runtime: informers for ServerPower and PowerProvider (running on every replica, so caches stay warm),
/// one work queue and controller per kind, and leader election that runs the controllers' workers only while leading.
/// Queues exist from construction: <see cref="EnqueueServer"/> works before and between leaderships.
/// </summary>
public sealed class ControllerHost
{
    public const string ServerControllerName = "serverpower";
    public const string ProviderControllerName = "powerprovider";

    /// <summary>Index of the ServerPower store: <c>namespace/providerRef.name</c>.</summary>
    public const string ProviderRefIndex = "providerRef";

    private readonly ControllerHostOptions options;
    private readonly ILoggerFactory loggers;
    private readonly IRuntimeMetrics metrics;
    private readonly TimeProvider time;

    public ControllerHost(ControllerHostOptions options, IListWatcher<ServerPowerResource> servers,
        IListWatcher<PowerProviderResource> providers, LeaderElection leaderElection, ILoggerFactory loggers,
        IRuntimeMetrics? metrics = null, TimeProvider? time = null)
    {
        this.options = options;
        this.loggers = loggers;
        this.metrics = metrics ?? NullRuntimeMetrics.Instance;
        this.time = time ?? TimeProvider.System;
        LeaderElection = leaderElection;
        Servers = new Informer<ServerPowerResource>(ApiGroup.ServerPowerKind, servers, options.Informer,
            loggers.CreateLogger<Informer<ServerPowerResource>>(), this.time);
        Providers = new Informer<PowerProviderResource>(ApiGroup.PowerProviderKind, providers, options.Informer,
            loggers.CreateLogger<Informer<PowerProviderResource>>(), this.time);
        Servers.Store.AddIndex(ProviderRefIndex, s => [ProviderIndexValue(s.Metadata.NamespaceProperty, s.Spec.ProviderRef.Name)]);
        ServerQueue = new WorkQueue(ServerControllerName, options.Queue, this.time, this.metrics);
        ProviderQueue = new WorkQueue(ProviderControllerName, options.Queue, this.time, this.metrics);
        Servers.AddHandler(new EnqueueHandler<ServerPowerResource>(ServerQueue.Add, ServerQueue.AddBackground));
        Providers.AddHandler(new EnqueueHandler<PowerProviderResource>(ProviderQueue.Add, ProviderQueue.AddBackground));
    }

    /// <summary>The host on a real API server: custom-object list+watch with the label selector, and a Lease.</summary>
    public static ControllerHost ForKubernetes(IKubernetes client, ControllerHostOptions options, ILoggerFactory loggers,
        IRuntimeMetrics? metrics = null, TimeProvider? time = null) =>
        new(options,
            new CustomObjectListWatcher<ServerPowerResource>(client, ApiGroup.Group, ApiGroup.Version, ApiGroup.ServerPowerPlural, options.LabelSelector),
            new CustomObjectListWatcher<PowerProviderResource>(client, ApiGroup.Group, ApiGroup.Version, ApiGroup.PowerProviderPlural, options.LabelSelector),
            LeaderElection.ForLease(client, options.LeaderElection, loggers.CreateLogger<LeaderElection>(), metrics),
            loggers, metrics, time);

    public Informer<ServerPowerResource> Servers { get; }

    public Informer<PowerProviderResource> Providers { get; }

    public WorkQueue ServerQueue { get; }

    public WorkQueue ProviderQueue { get; }

    public LeaderElection LeaderElection { get; }

    /// <summary>
    /// While this replica leads, a queue whose workers finished nothing for <paramref name="limit"/> although work was
    /// waiting or in flight: the operator is wedged and should be restarted (its liveness probe fails).
    /// </summary>
    public bool IsStalled(TimeSpan limit) => LeaderElection.IsLeader && (ServerQueue.IsStalled(limit) || ProviderQueue.IsStalled(limit));

    /// <summary>Both caches listed once (a readiness signal).</summary>
    public bool HasSynced => Servers.HasSynced && Providers.HasSynced;

    public void EnqueueServer(ObjectKey key) => ServerQueue.Add(key);

    public void EnqueueProvider(ObjectKey key) => ProviderQueue.Add(key);

    /// <summary>The cached ServerPowers in the provider's namespace whose spec.providerRef.name is the provider's name.</summary>
    public IReadOnlyList<ServerPowerResource> ServersForProvider(ObjectKey provider) =>
        Servers.Store.ByIndex(ProviderRefIndex, ProviderIndexValue(provider.Namespace, provider.Name));

    /// <summary>Enqueues every cached server that references the provider; returns how many.</summary>
    public int EnqueueServersOf(ObjectKey provider)
    {
        var servers = ServersForProvider(provider);
        foreach (var server in servers) EnqueueServer(ObjectKey.From(server.Metadata));
        return servers.Count;
    }

    /// <summary>
    /// Runs informers, waits for both caches, then runs both controllers while leading, until cancelled.
    /// The reconcilers are passed here so they can be built with a reference to this host.
    /// </summary>
    public async Task RunAsync(IReconciler serverReconciler, IReconciler providerReconciler, CancellationToken cancellationToken)
    {
        var serverController = new Controller(ServerControllerName, ServerQueue, serverReconciler, Servers.Store.Keys,
            options.Controller, loggers.CreateLogger<Controller>(), metrics, time);
        var providerController = new Controller(ProviderControllerName, ProviderQueue, providerReconciler, Providers.Store.Keys,
            options.Controller, loggers.CreateLogger<Controller>(), metrics, time);
        var informers = Task.WhenAll(Servers.RunAsync(cancellationToken), Providers.RunAsync(cancellationToken));
        try
        {
            await Task.WhenAll(Servers.Synced, Providers.Synced).WaitAsync(cancellationToken).ConfigureAwait(false);
            await LeaderElection.RunAsync(
                leading => Task.WhenAll(serverController.RunAsync(leading), providerController.RunAsync(leading)),
                cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            ServerQueue.ShutDown();
            ProviderQueue.ShutDown();
            await informers.ConfigureAwait(false);
        }
    }

    private static string ProviderIndexValue(string? ns, string name) => $"{ns}/{name}";
}
