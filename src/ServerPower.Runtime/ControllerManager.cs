using Microsoft.Extensions.Logging;

namespace ServerPower.Runtime;

/// <summary>
/// controller-runtime's manager: runs every registered informer on every replica (so caches stay warm), and every
/// registered controller's workers only while this replica leads. Its queues exist from construction, and every
/// informer handler is attached then, so <see cref="Enqueue"/> and events work before and between leaderships.
/// </summary>
public sealed class ControllerManager
{
    private readonly IServiceProvider services;
    private readonly RuntimeOptions options;
    private readonly IReadOnlyList<ControllerRegistration> registrations;
    private readonly Dictionary<string, WorkQueue> queues = new(StringComparer.Ordinal);
    private readonly ILoggerFactory loggers;
    private readonly IRuntimeMetrics metrics;
    private readonly TimeProvider time;

    public ControllerManager(IServiceProvider services, RuntimeOptions options, IEnumerable<ISharedInformer> informers,
        IEnumerable<ControllerRegistration> controllers, LeaderElection leaderElection, ILoggerFactory loggers,
        IRuntimeMetrics metrics, TimeProvider time)
    {
        this.services = services;
        this.options = options;
        this.loggers = loggers;
        this.metrics = metrics;
        this.time = time;
        Informers = [.. informers];
        registrations = [.. controllers];
        LeaderElection = leaderElection;
        foreach (var registration in registrations)
        {
            var queue = new WorkQueue(registration.Name, options.Queue, time, metrics);
            if (!queues.TryAdd(registration.Name, queue))
                throw new InvalidOperationException($"a controller named '{registration.Name}' is already registered");
            registration.Attach(services, queue);
        }
    }

    public IReadOnlyList<ISharedInformer> Informers { get; }

    public LeaderElection LeaderElection { get; }

    public IReadOnlyCollection<string> ControllerNames => queues.Keys;

    /// <summary>The queue of the named controller.</summary>
    public WorkQueue Queue(string controller) => queues.TryGetValue(controller, out var queue)
        ? queue
        : throw new ArgumentException($"no controller named '{controller}'", nameof(controller));

    /// <summary>Asks the named controller for a reconcile of the key; works whether or not this replica leads.</summary>
    public void Enqueue(string controller, ObjectKey key) => Queue(controller).Add(key);

    /// <summary>Every cache listed once (a readiness signal).</summary>
    public bool HasSynced => Informers.All(i => i.HasSynced);

    /// <summary>
    /// While this replica leads, a queue whose workers finished nothing for <paramref name="limit"/> although work was
    /// waiting or in flight: the operator is wedged and should be restarted (its liveness probe fails).
    /// </summary>
    public bool IsStalled(TimeSpan limit) => LeaderElection.IsLeader && queues.Values.Any(q => q.IsStalled(limit));

    /// <summary>Runs the informers, waits for every cache, then runs every controller while leading, until cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var controllers = registrations.Select(r => new Controller(r.Name, queues[r.Name], r.Reconciler(services),
            r.KnownKeys(services), r.Options ?? options.Controller, loggers.CreateLogger<Controller>(), metrics, time)).ToList();
        var running = Task.WhenAll(Informers.Select(i => i.RunAsync(cancellationToken)));
        try
        {
            // Stryker disable once Boolean : ConfigureAwait(true) is equivalent: the runtime has no synchronization context
            await Task.WhenAll(Informers.Select(i => i.Synced)).WaitAsync(cancellationToken).ConfigureAwait(false);
            // Stryker disable once Boolean : ConfigureAwait(true) is equivalent: the runtime has no synchronization context
            await LeaderElection.RunAsync(leading => Task.WhenAll(controllers.Select(c => c.RunAsync(leading))),
                cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            foreach (var queue in queues.Values) queue.ShutDown();
            // Stryker disable once Boolean : ConfigureAwait(true) is equivalent: the runtime has no synchronization context
            await running.ConfigureAwait(false);
        }
    }
}
