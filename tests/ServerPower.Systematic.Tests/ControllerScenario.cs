using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using ServerPower.Runtime;

namespace ServerPower.Systematic.Tests;

/// <summary>
/// The real informer, cache, work queue and controller (two workers) over a <see cref="ScriptedApi"/>, on the
/// <see cref="DeterministicScheduler"/>: a person creates, edits and deletes objects while status writes, watch
/// breaks, 410 relists, failing LISTs, reconcile failures, conflicts and requeues, and time passing (resync, backoff,
/// the watch watchdog) interleave as the seed picks. Then the faults stop and time runs on until the cache holds what
/// the API holds and the queue is idle. Checked: no key is reconciled twice at once; the last reconcile of every
/// object read its last generation, or its absence once deleted (no lost update); once settled, 65 quiet seconds
/// bring no more reconciles than resync asks for (no busy loop); nothing ran off the scheduler.
/// </summary>
internal static class ControllerScenario
{
    /// <summary>Changes and faults one run makes before it settles.</summary>
    public const int Changes = 12;

    /// <summary>Steps one run may take: far above what a run needs (a few thousand); beyond it, a busy loop.</summary>
    public const long MaxSteps = 200_000;

    /// <summary>Simulated seconds a run may take to settle once the faults stop (resync is 30 s, backoffs reach 2 s).</summary>
    private const int SettleSeconds = 120;

    private static readonly ObjectKey[] Keys = [new("ns", "a"), new("ns", "b"), new("ns", "c")];

    /// <summary>Runs one seed; returns what it violated (empty: nothing), the steps it took and its schedule's hash.</summary>
    public static (IReadOnlyList<string> Violations, long Steps, ulong Schedule) Run(int seed)
    {
        var scheduler = new DeterministicScheduler(seed);
        var violations = new List<string>();
        try
        {
            scheduler.Run(() => RunAsync(scheduler, violations), MaxSteps);
        }
        catch (InvalidOperationException e)
        {
            violations.Add(e.Message);
        }
        violations.AddRange(scheduler.Escapes.Distinct().Select(e => $"escaped the scheduler: {e}"));
        return (violations, scheduler.Steps, scheduler.Schedule);
    }

    private static async Task RunAsync(DeterministicScheduler scheduler, List<string> violations)
    {
        var choices = scheduler.Choices;
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var api = new ScriptedApi(scheduler);
        api.Put(Keys[0]);
        api.Put(Keys[1]);

        var informer = new Informer<V1ConfigMap>("configmaps", api, new InformerOptions
        {
            MinWatchTimeout = TimeSpan.FromSeconds(10),
            MaxWatchTimeout = TimeSpan.FromSeconds(20),
            WatchdogMargin = TimeSpan.FromSeconds(5),
            InitialBackoff = TimeSpan.FromMilliseconds(100),
            MaxBackoff = TimeSpan.FromSeconds(2),
        }, NullLogger.Instance, time, new Random(choices.Next())) { Dispatch = scheduler.Dispatch };
        var queue = new WorkQueue("systematic", new WorkQueueOptions { MaxDelay = TimeSpan.FromSeconds(2) }, time)
        {
            Dispatch = scheduler.Dispatch,
        };
        var reconciler = new CheckingReconciler(informer.Store, scheduler);
        var controller = new Controller("systematic", queue, reconciler, () => informer.Store.Keys(),
            new ControllerOptions { Workers = 2, ResyncPeriod = TimeSpan.FromSeconds(30) }, NullLogger.Instance,
            time: time, random: new Random(choices.Next())) { Dispatch = scheduler.Dispatch };
        informer.AddHandler(new EnqueueHandler<V1ConfigMap>(queue.Add, queue.AddBackground));

        using var stop = new CancellationTokenSource();
        var informing = informer.RunAsync(stop.Token);
        var controlling = controller.RunAsync(stop.Token);

        for (var change = 0; change < Changes; change++)
        {
            var key = Keys[choices.Next(Keys.Length)];
            switch (choices.Next(9))
            {
                case 0: case 1: api.Put(key); break;
                case 2: api.Delete(key); break;
                case 3: api.Touch(key); break;
                case 4: api.BreakWatches(); break;
                case 5: api.Compact(); break;
                case 6: api.FailNextList(); api.BreakWatches(); break;
                default: time.Advance(TimeSpan.FromMilliseconds(choices.Next(3000))); break;
            }
            for (var i = choices.Next(4); i >= 0; i--) await scheduler.Yield();
        }

        reconciler.Calm = true;
        if (!await SettleAsync(scheduler, time, () => Settled(api, informer, queue)))
            violations.Add($"not settled {SettleSeconds} s after the last change: {Describe(api, informer, queue)}");
        else
        {
            foreach (var key in Keys)
            {
                var final = api.Objects.GetValueOrDefault(key)?.Metadata.Generation;
                var reconciled = reconciler.TryLastSeen(key, out var seen);
                if (!(!reconciled && final is null || reconciled && seen == final))
                    violations.Add($"lost update: {key} was last reconciled at generation "
                        + $"{(reconciled ? seen?.ToString() ?? "gone" : "never")}, its last change is {final?.ToString() ?? "its deletion"}");
            }
            // Quiet for 65 s: resync (every 27 to 33 s) reconciles each object at most 3 times; a busy loop does more.
            var before = reconciler.Reconciles;
            for (var second = 0; second < 65; second++)
            {
                time.Advance(TimeSpan.FromSeconds(1));
                for (var i = 0; i < 20; i++) await scheduler.Yield();
            }
            var allowed = 3 * api.Objects.Count;
            if (reconciler.Reconciles - before > allowed)
                violations.Add($"busy loop: {reconciler.Reconciles - before} reconciles in 65 quiet seconds after settling (resync allows {allowed})");
        }
        violations.AddRange(reconciler.Violations);

        stop.Cancel();
        time.Advance(TimeSpan.FromSeconds(30)); // past the drain timeout
        await Task.WhenAll(informing, controlling);
    }

    /// <summary>Advances time a second at a time, with steps in between, until settled or out of time.</summary>
    private static async Task<bool> SettleAsync(DeterministicScheduler scheduler, FakeTimeProvider time, Func<bool> settled)
    {
        for (var second = 0; second < SettleSeconds; second++)
        {
            for (var i = 0; i < 50; i++)
            {
                if (settled()) return true;
                await scheduler.Yield();
            }
            time.Advance(TimeSpan.FromSeconds(1));
        }
        return settled();
    }

    /// <summary>Settled: the cache holds what the API holds, and the queue has nothing ready, waiting or in flight.</summary>
    private static bool Settled(ScriptedApi api, Informer<V1ConfigMap> informer, WorkQueue queue)
    {
        var objects = api.Objects;
        var cached = informer.Store.List();
        var cacheMatches = cached.Count == objects.Count && cached.All(o =>
            objects.TryGetValue(ObjectKey.From(o.Metadata), out var live) && live.Metadata.ResourceVersion == o.Metadata.ResourceVersion);
        var (dirty, processing, waiting) = queue.Snapshot();
        return cacheMatches && dirty.Count == 0 && processing.Count == 0 && waiting.Count == 0;
    }

    private static string Describe(ScriptedApi api, Informer<V1ConfigMap> informer, WorkQueue queue)
    {
        var (dirty, processing, waiting) = queue.Snapshot();
        return $"api [{string.Join(", ", api.Objects.Values.Select(o => $"{o.Metadata.Name}@{o.Metadata.ResourceVersion}"))}] "
            + $"cache [{string.Join(", ", informer.Store.List().Select(o => $"{o.Metadata.Name}@{o.Metadata.ResourceVersion}"))}] "
            + $"lists={api.Lists} watches={api.Watches} dirty=[{string.Join(", ", dirty)}] processing=[{string.Join(", ", processing)}] "
            + $"waiting=[{string.Join(", ", waiting.Keys)}]";
    }
}
