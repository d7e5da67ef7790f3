using ServerPower.Api.Resources;
using ServerPower.Providers.Contract;

namespace ServerPower.Simulation.Tests.Harness;

/// <summary>
/// The servers behind the provider. Actions start transitions that take random time (async providers answer at
/// once and change state later); a server in a transition answers Busy to anything but kill. World events: a
/// crash, someone starting the server at the console, a stop that hangs, the server deleted at the provider.
/// </summary>
internal sealed class ProviderWorld(SimContext sim)
{
    public const string ValidCredential = "s3cr3t-token";

    public Dictionary<string, SimServer> Servers { get; } = [];

    public SimServer Add(string id, PowerState power) => Servers[id] = new SimServer(id, power);

    public ObservedServer? Read(string id) =>
        Servers.TryGetValue(id, out var s) && !s.Gone ? new ObservedServer(s.Power, s.Raw) : null;

    /// <summary>Applies an action that reached the provider; the answer the provider gives.</summary>
    public ProviderOutcome Apply(string id, ActionType action)
    {
        if (!Servers.TryGetValue(id, out var s) || s.Gone) return new ProviderOutcome(OutcomeKind.NotFound, $"server {id} not found");
        var busy = new ProviderOutcome(OutcomeKind.Busy, $"server is {s.Raw}");
        switch (action)
        {
            case ActionType.Kill:
                if (s.Power != PowerState.Stopped) Set(s, PowerState.Stopped);
                return ProviderOutcome.Accepted("killed");
            case ActionType.Start:
                if (s.Power is PowerState.Running or PowerState.Starting) return ProviderOutcome.Accepted("already running");
                if (s.Power != PowerState.Stopped) return busy;
                Set(s, PowerState.Starting);
                Then(s, sim.Between(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(90)), () => Set(s, PowerState.Running));
                return ProviderOutcome.Accepted("starting");
            case ActionType.Stop:
                if (s.Power is PowerState.Stopped or PowerState.Stopping) return ProviderOutcome.Accepted("already stopping");
                if (s.Power != PowerState.Running) return busy;
                Set(s, PowerState.Stopping);
                if (!s.Stuck) Then(s, sim.Between(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(90)), () => Set(s, PowerState.Stopped));
                return ProviderOutcome.Accepted("stopping");
            case ActionType.Restart:
                if (s.Power is not (PowerState.Running or PowerState.Stopped)) return busy;
                var wasRunning = s.Power == PowerState.Running;
                Set(s, wasRunning ? PowerState.Stopping : PowerState.Starting);
                if (wasRunning)
                    Then(s, sim.Between(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(15)), () => StartThenRun(s));
                else
                    Then(s, sim.Between(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(40)), () => Set(s, PowerState.Running));
                return ProviderOutcome.Accepted("restarting");
            case ActionType.Rebuild:
                if (s.Power is not (PowerState.Running or PowerState.Stopped)) return busy;
                Set(s, PowerState.Busy, "rebuilding");
                Then(s, sim.Between(TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(180)), () => Set(s, PowerState.Running));
                return ProviderOutcome.Accepted("rebuilding");
            default:
                return new ProviderOutcome(OutcomeKind.Invalid, $"unknown action {action}");
        }
    }

    /// <summary>A crash: a running server goes down by itself.</summary>
    public void Crash(SimServer s)
    {
        if (s.Gone || s.Power != PowerState.Running) return;
        Set(s, PowerState.Stopped);
        sim.Log($"world: server {s.Id} crashed → Stopped");
    }

    /// <summary>Someone starts the server at the provider's console.</summary>
    public void ConsoleStart(SimServer s)
    {
        if (s.Gone || s.Power != PowerState.Stopped) return;
        Set(s, PowerState.Starting);
        Then(s, sim.Between(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(30)), () => Set(s, PowerState.Running));
        sim.Log($"world: server {s.Id} started at the console → Starting");
    }

    /// <summary>The service on a server goes down or comes back, or players come and go (or its count becomes unreadable).</summary>
    public void GameEvent(SimServer s)
    {
        if (sim.Chance(0.4))
        {
            s.ServiceUp = !s.ServiceUp;
            sim.Log($"world: the service on server {s.Id} {(s.ServiceUp ? "answers again" : "stops answering")}");
            return;
        }
        s.Players = sim.Pick<int?>(0, 0, 0, 1, 3, null);
        sim.Log($"world: server {s.Id} has {s.Players?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "an unreadable count of"} players");
    }

    public void SetStuck(SimServer s, bool stuck)
    {
        s.Stuck = stuck;
        sim.Log($"world: server {s.Id} {(stuck ? "now hangs on stop" : "no longer hangs on stop")}");
        if (!stuck && s.Power == PowerState.Stopping) Then(s, sim.Between(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(20)), () => Set(s, PowerState.Stopped));
    }

    public void Delete(SimServer s)
    {
        s.Gone = true;
        s.Version++;
        sim.Log($"world: server {s.Id} deleted at the provider");
    }

    /// <summary>The final phase: nothing hangs any more.</summary>
    public void Heal()
    {
        foreach (var s in Servers.Values.Where(s => s.Stuck)) SetStuck(s, false);
        foreach (var s in Servers.Values) s.ServiceUp = true;
    }

    private void StartThenRun(SimServer s)
    {
        Set(s, PowerState.Starting);
        Then(s, sim.Between(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(40)), () => Set(s, PowerState.Running));
    }

    private void Set(SimServer s, PowerState power, string? raw = null)
    {
        s.Power = power;
        s.Raw = raw ?? power.ToString().ToLowerInvariant();
        s.Version++;
    }

    private void Then(SimServer s, TimeSpan after, Action change)
    {
        var version = s.Version;
        sim.Agenda.At(sim.Now + after, () =>
        {
            if (s.Version != version || s.Gone) return;
            change();
            sim.Log($"world: server {s.Id} → {s}");
        });
    }
}
