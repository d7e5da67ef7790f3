using System.Globalization;
using k8s.Models;
using ServerPower.Api.Resources;
using ServerPower.Api.Vocabulary;
using ServerPower.Runtime;

namespace ServerPower.Simulation.Tests.Harness;

/// <summary>
/// The people around the operator, for the later features a seed exercises (<see cref="FlowPlan"/>): they edit
/// spec.startAfter (a cycle, a missing name), sync every server to Stopped or Running in name order within a second
/// (as Argo CD applies one kind), point servers at the PowerSchedule and move, break or delete its windows, set and
/// remove overrides (with expiry, extremes and invalid values), change readiness probes, change spec.autoStop and wake
/// auto-stopped servers. Times the effective state changes by itself (a window's edge, an override's end) are booked
/// on the agenda so the monitor re-reads what is declared there.
/// </summary>
internal sealed class FlowUser(SimContext sim, SimKube kube, SimSchedules schedules, Scenario scenario, UserModel user, Monitor monitor)
{
    private static readonly string[] InvalidOverrides = ["Stopped until tomorrow", "Running until 0001-01-01T00:00:00+01:00", "running", ""];
    private int wakes;
    private int windowsSet;

    private FlowPlan Plan => scenario.Flows;

    /// <summary>The manifest's share of the later features (drawn only for a seed that has them).</summary>
    public ServerPowerSpec Manifest(ObjectKey key, ServerPowerSpec spec)
    {
        if (!Plan.Any) return spec;
        if (Plan.Order != OrderGraph.None) spec = spec with { StartAfter = scenario.StartAfter(key.Name) };
        if (Plan.Schedules && sim.Chance(0.5)) spec = spec with { State = DesiredPowerState.Scheduled, ScheduleRef = new LocalObjectReference { Name = Scenario.ScheduleName } };
        if (Plan.Probes && sim.Chance(0.7)) spec = spec with { ReadinessProbe = Probe(key) };
        if (Plan.AutoStop && sim.Chance(0.7)) spec = spec with { AutoStop = AutoStop(key) };
        return spec;
    }

    /// <summary>The seed's PowerSchedule, applied at the start (some seeds' servers follow one that comes later or never).</summary>
    public void SetUp()
    {
        if (Plan.Schedules && sim.Chance(0.85)) PutSchedule();
    }

    /// <summary>The later features' share of one random action on <paramref name="key"/>.</summary>
    public void AddChoices(List<(double Weight, Action Do)> choices, ObjectKey key, ServerPowerResource live)
    {
        if (!Plan.Any) return;
        if (Plan.Order != OrderGraph.None)
        {
            choices.Add((4, () => Sync(sim.Chance(0.6) ? DesiredPowerState.Stopped : DesiredPowerState.Running)));
            choices.Add((2, () => EditStartAfter(key)));
        }
        if (Plan.Schedules)
        {
            choices.Add((4, () => user.Edit(key, "spec.state", s => s.Spec = s.Spec.State == DesiredPowerState.Scheduled
                ? s.Spec with { State = sim.Chance(0.5) ? DesiredPowerState.Running : DesiredPowerState.Stopped }
                : s.Spec with { State = DesiredPowerState.Scheduled, ScheduleRef = new LocalObjectReference { Name = Scenario.ScheduleName } })));
            choices.Add((3, PutSchedule));
            choices.Add((0.7, () =>
            {
                schedules.Delete(Scenario.Ns, Scenario.ScheduleName);
                sim.Stats.Schedules++;
                sim.Log($"user: deletes PowerSchedule {Scenario.ScheduleName}");
                monitor.Reevaluate();
            }));
        }
        if (Plan.Overrides)
        {
            choices.Add((6, () => SetOverride(key)));
            if (live.Metadata.Annotations?.ContainsKey(Annotations.Override) == true) choices.Add((3, () => { sim.Stats.Overrides++; user.Annotate(key, Annotations.Override, null); }));
        }
        if (Plan.Probes) choices.Add((2, () => user.Edit(key, "spec.readinessProbe", s => s.Spec = s.Spec with { ReadinessProbe = sim.Chance(0.2) ? null : Probe(key) })));
        if (Plan.AutoStop)
        {
            choices.Add((5, () => { sim.Stats.AutoStop++; user.Annotate(key, Annotations.Wake, sim.Chance(0.9) ? $"w{++wakes}" : "-not a token"); }));
            choices.Add((2, () => user.Edit(key, "spec.autoStop", s => s.Spec = s.Spec with { AutoStop = sim.Chance(0.15) ? null : AutoStop(key) })));
        }
    }

    /// <summary>The end of the application as a namespace deletion: every object of the namespace goes in one sweep.</summary>
    public void DeleteNamespace()
    {
        sim.Log("the user deletes the namespace: every ServerPower, the PowerProvider, its Secret and the PowerSchedule go in one sweep");
        user.TearDown();
        kube.DeleteProvider(scenario.ProviderKey);
        kube.DeleteSecret(Scenario.Ns, Scenario.SecretName);
        schedules.Delete(Scenario.Ns, Scenario.ScheduleName);
    }

    /// <summary>
    /// Argo CD's sync of one kind: every server's spec.state set, one after the other in name order, within a second
    /// (dependencies first, the order issue 24 found stopping a database before the app that needs it).
    /// </summary>
    private void Sync(DesiredPowerState state)
    {
        sim.Log($"user: syncs every server to {state} in name order");
        sim.Stats.Order++;
        var at = sim.Now;
        foreach (var key in scenario.Servers.Select(s => s.Key).OrderBy(k => k.Name, StringComparer.Ordinal))
        {
            at += TimeSpan.FromMilliseconds(sim.Rng.Next(0, 300));
            sim.Agenda.At(at, () =>
            {
                if (kube.Server(key) is { Metadata.DeletionTimestamp: null } live && live.Spec.State != state)
                    user.Edit(key, "spec.state (sync)", s => s.Spec = s.Spec with { State = state });
            });
        }
    }

    private void EditStartAfter(ObjectKey key)
    {
        IReadOnlyList<string>? names = sim.Rng.Next(6) switch
        {
            0 => null,
            1 => [key.Name],                                       // lists itself: a cycle
            2 => ["cache"],                                        // not a ServerPower
            3 => [.. scenario.Names.Where(n => n != key.Name)],    // everything else (a cycle with the chain)
            _ => scenario.StartAfter(key.Name),                    // back to the manifest's
        };
        sim.Stats.Order++;
        user.Edit(key, "spec.startAfter", s => s.Spec = s.Spec with { StartAfter = names });
    }

    private void SetOverride(ObjectKey key)
    {
        sim.Stats.Overrides++;
        var state = sim.Chance(0.5) ? "Running" : "Stopped";
        var roll = sim.Extremes.NextDouble();
        if (roll < 0.1) { user.Annotate(key, Annotations.Override, sim.Pick(InvalidOverrides)); return; }
        if (roll < 0.15) { user.Annotate(key, Annotations.Override, $"{state} until 9999-12-31T23:59:59Z"); return; }
        if (roll < 0.3) { user.Annotate(key, Annotations.Override, state); return; }
        // Ends within the chaos phase's next minutes, written in another offset at times (the same instant).
        var until = sim.Now + sim.Between(TimeSpan.FromSeconds(20), TimeSpan.FromMinutes(8));
        until = new DateTimeOffset(until.Ticks - until.Ticks % TimeSpan.TicksPerSecond, TimeSpan.Zero);
        var text = sim.Chance(0.3) ? until.ToOffset(TimeSpan.FromHours(-5)).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture) : until.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        user.Annotate(key, Annotations.Override, $"{state} until {text}");
        sim.Agenda.At(until, () =>
        {
            if (kube.Server(key)?.Metadata.Annotations is not { } now || !now.TryGetValue(Annotations.Override, out var value) || !value.EndsWith(text, StringComparison.Ordinal)) return;
            sim.Stats.Overrides++;
            sim.Log($"the override on {key.Name} ends");
            monitor.Reevaluate();
        });
    }

    /// <summary>
    /// A PowerSchedule of one or two windows whose edges fall within the run (the last before the calm phase has had
    /// time to converge), in UTC or in Europe/Berlin; sometimes an invalid one (nothing is sent while it is).
    /// </summary>
    private void PutSchedule()
    {
        sim.Stats.Schedules++;
        var berlin = sim.Chance(0.3);
        var offset = berlin ? 1 : 0; // Berlin is UTC+1 in November
        var edges = Enumerable.Range(0, sim.Pick(2, 4)).Select(_ => sim.Rng.Next(1, 41)).Distinct().Order().ToList();
        var windows = new List<ScheduleWindow>();
        for (var i = 0; i + 1 < edges.Count; i += 2)
            windows.Add(new ScheduleWindow { From = Clock(10 + offset, edges[i]), To = Clock(10 + offset, edges[i + 1]) });
        if (sim.Extremes.NextDouble() < 0.08) windows.Add(new ScheduleWindow { From = "25:00", To = "10:00" });
        var schedule = new PowerScheduleResource
        {
            Metadata = new V1ObjectMeta { Name = Scenario.ScheduleName, NamespaceProperty = Scenario.Ns, Generation = ++windowsSet },
            Spec = new PowerScheduleSpec { TimeZone = berlin ? "Europe/Berlin" : "UTC", Running = windows },
        };
        schedules.Put(schedule);
        sim.Log($"user: applies PowerSchedule {Scenario.ScheduleName} ({schedule.Spec.TimeZone}: {string.Join(", ", windows.Select(w => $"{w.From}-{w.To}"))})");
        var generation = windowsSet;
        foreach (var minute in edges)
        {
            var at = SimContext.Start + TimeSpan.FromMinutes(minute);
            if (at <= sim.Now) continue;
            sim.Agenda.At(at, () =>
            {
                if (generation != windowsSet) return;
                if (kube.ServerKeys.Select(kube.Server).Any(s => s?.Spec.State == DesiredPowerState.Scheduled)) sim.Stats.Schedules++;
                sim.Log($"the schedule's window edge at {Trace.Stamp(at)} passes");
                monitor.Reevaluate();
            });
        }
        monitor.Reevaluate();
    }

    private static string Clock(int hour, int minute) => $"{hour:00}:{minute:00}";

    private ReadinessProbeSpec Probe(ObjectKey key)
    {
        var extreme = sim.Extremes.NextDouble() < 0.15;
        return new ReadinessProbeSpec
        {
            TcpSocket = new TcpSocketProbe { Host = FlowHosts.Of(key), Port = 25565 },
            PeriodSeconds = extreme ? sim.Pick(1, 300) : sim.Pick(5, 10, 30),
            FailureThreshold = extreme ? sim.Pick(1, 10) : 3,
            SuccessThreshold = extreme ? sim.Pick(1, 5) : 1,
        };
    }

    private AutoStopSpec AutoStop(ObjectKey key)
    {
        var extreme = sim.Extremes.NextDouble() < 0.15;
        return new AutoStopSpec
        {
            IdleAfter = extreme ? sim.Pick("10s", "8760h") : sim.Pick("1m", "2m", "5m"),
            MaxRuntime = sim.Chance(0.3) ? sim.Pick("10m", "20m") : null,
            StartupGrace = sim.Chance(0.3) ? sim.Pick("0s", "30s") : null,
            PeriodSeconds = extreme ? sim.Pick(1, 3600) : sim.Pick(10, 30),
            Activity = new Api.Resources.ActivitySpec { Minecraft = new ActivityEndpoint { Host = FlowHosts.Of(key), Port = 25565 } },
        };
    }
}
