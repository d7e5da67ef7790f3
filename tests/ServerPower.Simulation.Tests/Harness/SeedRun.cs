using k8s.Models;
using ServerPower.Api.Resources;
using ServerPower.Api.Vocabulary;
using ServerPower.Operator.Hosting;

namespace ServerPower.Simulation.Tests.Harness;

/// <summary>
/// One seed: a random world, users and faults around the real reconciler for a chaos phase, then a calm phase
/// (faults off, world healed, users quiet) at whose end liveness is checked. Everything is drawn from the seed's one
/// <see cref="Random"/> and happens on the agenda's simulated clock, so a seed replays exactly.
/// </summary>
internal sealed class SeedRun
{
    public static readonly TimeSpan ChaosPhase = TimeSpan.FromMinutes(30);
    public static readonly TimeSpan CalmPhase = TimeSpan.FromMinutes(20);
    private const long StepBudget = 100_000;

    private readonly SimContext sim;
    private readonly FaultPlan faults;
    private readonly ProviderWorld world;
    private readonly Monitor monitor;
    private readonly SimKube kube;
    private readonly Operators operators;
    private readonly Scenario scenario;
    private readonly UserModel user;
    private readonly FlowUser flowUser;
    private readonly SimSchedules schedules;
    private readonly List<string> setup = [];
    private DateTimeOffset? end;

    /// <param name="mutate">Wraps each process's reconciler in a deliberately broken one (the harness's self-tests).</param>
    /// <param name="flows">The later features to exercise; null: as the seed draws them (<see cref="FlowPlan.Draw"/>).</param>
    /// <param name="cacheLag">Whether a seed that draws cache lag gets it; null: unless SIM_CACHE_LAG=0.</param>
    public SeedRun(int seed, bool keepFullTrace = false, Func<MutantEdges, global::ServerPower.Runtime.IReconciler, global::ServerPower.Runtime.IReconciler>? mutate = null,
        FlowPlan? flows = null, bool? cacheLag = null)
    {
        sim = new SimContext(seed, keepFullTrace);
        var plan = flows ?? (Environment.GetEnvironmentVariable("SIM_FLOWS") == "none" ? FlowPlan.None
            : FlowPlan.Draw(sim.Flows, cacheLag ?? FlowPlan.CacheLagSearched));
        var settings = OperatorHost.Settings(new OperatorOptions());
        faults = new FaultPlan(sim);
        world = new ProviderWorld(sim);
        monitor = new Monitor(sim, settings);
        var fibers = new FiberScheduler(sim);
        kube = new SimKube(sim, fibers, faults, monitor) { CacheLag = plan.CacheLag ? 0.2 : 0 };
        monitor.Stored = kube.Server;
        monitor.AllStored = () => kube.ServerKeys.Select(kube.View).OfType<ServerPowerResource>();
        var factory = new SimProviderFactory(sim, fibers, world, faults, monitor);
        schedules = new SimSchedules(sim, fibers, faults);
        operators = new Operators(sim, fibers, kube, factory, new SimEvents(sim, fibers), monitor, settings, mutate, schedules, world, plan);
        kube.ServerChanged = operators.OnServerChanged;
        kube.ProviderChanged = operators.OnProviderChanged;
        schedules.Changed = operators.OnScheduleChanged;
        fibers.Parked = operators.OnParked;
        monitor.Flows = plan;
        monitor.WorldServer = id => world.Servers.GetValueOrDefault(id);
        monitor.Schedule = schedules.Schedule;
        scenario = new Scenario(sim, plan);
        user = new UserModel(sim, kube, world, scenario);
        flowUser = new FlowUser(sim, kube, schedules, scenario, user, monitor);
        if (plan.Any) user.Flows = flowUser;
    }

    public SeedResult Run()
    {
        SetUp();
        while (monitor.Violation is null && sim.Agenda.TryPeek(out var when))
        {
            if (end is { } e && when > e) break;
            if (when > sim.Now) sim.Clock.SetUtcNow(when);
            sim.Agenda.Dequeue().Action();
            operators.Dispatch();
            if (++sim.Stats.Steps > StepBudget)
                monitor.Report("harness", "step budget exhausted", $"more than {StepBudget} steps: a loop the invariants did not name");
        }
        if (monitor.Violation is null && end is { } last)
        {
            if (sim.Now < last) sim.Clock.SetUtcNow(last);
            LivenessCheck.Run(sim, kube, world, scenario, user, monitor, last - SimContext.Start - ChaosPhase);
        }
        return new SeedResult(sim.Seed, sim.Stats, monitor.Violation, sim.Trace.All, string.Join("; ", setup));
    }

    private void SetUp()
    {
        Note($"provider {scenario.ProviderType}; servers {string.Join(", ", scenario.Servers.Select(s => $"{s.Key.Name}={s.ServerId}"))}");
        Note(faults.Describe());
        if (scenario.Flows.Any) Note($"later features: {scenario.Flows}");

        // Provider side: the account and its servers.
        foreach (var id in scenario.ServerIds) world.Add(id, sim.Chance(0.5) ? PowerState.Running : PowerState.Stopped);
        if (sim.Chance(0.15)) Later("PowerProvider created late", sim.Between(TimeSpan.FromSeconds(20), TimeSpan.FromMinutes(10)), user.PutProvider);
        else user.PutProvider();
        if (sim.Chance(0.15)) Later("Secret created late", sim.Between(TimeSpan.FromSeconds(20), TimeSpan.FromMinutes(10)), () => user.PutSecret(ProviderWorld.ValidCredential));
        else user.PutSecret(ProviderWorld.ValidCredential);
        if (sim.Chance(0.15))
            Later("provider failing at first", sim.Between(TimeSpan.Zero, TimeSpan.FromSeconds(10)),
                () => faults.StartStorm(sim.Pick(ProviderFault.ServerError, ProviderFault.RateLimited, ProviderFault.Timeout, ProviderFault.Unreadable),
                    sim.Between(TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(5)), faults.DrawRetryAfter()));

        flowUser.SetUp();

        // The objects, often with one-shot tokens already on them.
        foreach (var (key, _) in scenario.Servers)
        {
            var manifest = Manifest(key);
            Note($"{key.Name}: {UserModel.Summary(manifest)}");
            sim.Agenda.At(sim.Now + sim.Between(TimeSpan.Zero, TimeSpan.FromSeconds(30)), () => user.Apply(manifest));
        }
        sim.Agenda.At(sim.Now + sim.Between(TimeSpan.Zero, TimeSpan.FromSeconds(20)), operators.StartLeader);

        // The chaos phase's recurring events.
        var userEvery = sim.Between(TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(120));
        Note($"users act every ~{userEvery.TotalSeconds:0} s");
        Recurring(userEvery, user.Act);
        // The first sight of an object is where adoption is decided: sometimes the leader freezes right there.
        if (faults.PauseEvery is not null)
            user.Created = () =>
            {
                if (!faults.Calm && sim.Chance(0.3)) operators.Arm("freeze", () => operators.Freeze(pastTheLease: true), atOnce: 0, withinParks: 6);
            };
        Recurring(faults.CrashEvery, () => operators.Arm("crash", operators.Crash));
        Recurring(faults.PauseEvery, () => operators.Arm("freeze", operators.Freeze));
        Recurring(faults.ForeignWriteEvery, () =>
        {
            var (key, _) = sim.Pick(scenario.Servers.ToArray());
            if (kube.Server(key) is null) return;
            sim.Fault($"another controller writes a label on {key.Name}");
            kube.ForeignWrite(key);
        });
        Recurring(faults.ServerEventEvery, WorldEvent);
        if (scenario.Flows.Probes || scenario.Flows.AutoStop)
            Recurring(sim.Between(TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(6)), () => world.GameEvent(world.Servers[sim.Pick(scenario.ServerIds.ToArray())]));
        if (scenario.Flows.WatchDrops)
            Recurring(sim.Between(TimeSpan.FromMinutes(3), TimeSpan.FromMinutes(10)), () => operators.DropWatch(sim.Between(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(90))));
        Recurring(faults.StormEvery, () => faults.StartStorm(
            sim.Pick(ProviderFault.ServerError, ProviderFault.RateLimited, ProviderFault.RateLimited, ProviderFault.Timeout, ProviderFault.Unreadable),
            sim.Between(TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(8)), faults.DrawRetryAfter()));
        sim.Agenda.At(SimContext.Start + ChaosPhase, BeginCalm);
    }

    private ServerPowerResource Manifest(global::ServerPower.Runtime.ObjectKey key)
    {
        var annotations = new Dictionary<string, string>();
        if (sim.Chance(0.4)) annotations[Annotations.Restart] = user.NewToken("r");
        if (sim.Chance(0.25)) annotations[Annotations.Rebuild] = user.NewToken("b");
        if (sim.Chance(0.12)) annotations[sim.Chance(0.5) ? Annotations.Restart : Annotations.Rebuild] = UserModel.InvalidToken(sim);
        var manifest = new ServerPowerResource
        {
            Metadata = new V1ObjectMeta { Name = key.Name, NamespaceProperty = key.Namespace, Annotations = annotations },
            Spec = new ServerPowerSpec
            {
                ProviderRef = new LocalObjectReference { Name = Scenario.ProviderName },
                ServerId = scenario.Servers.First(s => s.Key == key).ServerId,
                State = sim.Chance(0.5) ? DesiredPowerState.Running : DesiredPowerState.Stopped,
                Suspend = sim.Chance(0.2),
                ManagementPolicy = sim.Chance(0.05) ? ManagementPolicy.Observe : ManagementPolicy.Manage,
                Stop = sim.Chance(0.7) ? UserModel.RandomStop(sim) : null,
                Rebuild = sim.Chance(0.9) ? new RebuildSpec { OsId = "debian-12" } : null,
                DeletionPolicy = sim.Chance(0.4) ? DeletionPolicy.Stop : DeletionPolicy.Orphan,
            },
        };
        manifest.Spec = flowUser.Manifest(key, manifest.Spec);
        return manifest;
    }

    private void WorldEvent()
    {
        var server = world.Servers[sim.Pick(scenario.ServerIds.ToArray())];
        var roll = sim.Rng.NextDouble();
        if (roll < 0.5) world.Crash(server);
        else if (roll < 0.65) world.ConsoleStart(server);
        else if (roll < 0.97) world.SetStuck(server, !server.Stuck);
        else if (!server.Gone) world.Delete(server);
    }

    private void BeginCalm()
    {
        faults.Calm = true;
        faults.EndStorms();
        world.Heal();
        var heal = sim.Chance(0.6);
        sim.Log($"calm phase: no more faults, world events or user actions{(heal ? "; the user repairs the PowerProvider and its Secret" : "")}");
        var namespaceGone = scenario.Flows.NamespaceDeletion && sim.Chance(0.6);
        if (namespaceGone) flowUser.DeleteNamespace();
        else if (sim.Chance(0.3))
        {
            sim.Log("the user tears the application down");
            user.TearDown();
        }
        if (heal && !namespaceGone)
        {
            if (!kube.ProviderExists(scenario.ProviderKey)) user.PutProvider();
            if (kube.Secret(Scenario.Ns, Scenario.SecretName, Scenario.SecretKey) != ProviderWorld.ValidCredential) user.PutSecret(ProviderWorld.ValidCredential);
        }
        sim.Agenda.At(sim.Now + TimeSpan.FromMinutes(5), user.OrphanUnstoppableDeletions);
        var calmEnd = sim.Now + CalmPhase;
        // A Retry-After the operator must honour may reach past the planned end: give it time after that.
        if (monitor.LatestRetryAfterEnd + TimeSpan.FromMinutes(10) > calmEnd) calmEnd = monitor.LatestRetryAfterEnd + TimeSpan.FromMinutes(10);
        end = calmEnd;
    }

    private void Recurring(TimeSpan? every, Action action)
    {
        if (every is not { } mean) return;
        void Next() => sim.Agenda.At(sim.Now + sim.Exponential(mean), () =>
        {
            if (faults.Calm) return;
            action();
            Next();
        });
        Next();
    }

    private void Later(string what, TimeSpan after, Action action)
    {
        Note($"{what} (+{after.TotalSeconds:0} s)");
        sim.Agenda.At(sim.Now + after, action);
    }

    private void Note(string text)
    {
        setup.Add(text);
        sim.Log("setup: " + text);
    }
}
