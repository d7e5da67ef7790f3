using System.Text.Json.Nodes;
using ServerPower.Api.Resources;
using ServerPower.Sandbox.Providers;
using ServerPower.Sandbox.Providers.Core;

namespace ServerPower.Reliability.Tests.Infrastructure;

/// <summary>
/// N ServerPowers of one PowerProvider account on one simulator, and what was declared for them: each server's
/// declared state and every one-shot token with the time it was set. From these and the simulator's action log it
/// counts what the table reports: actions expected, actions sent, duplicated destructive actions (more than one
/// per token) and declared states lost (a server not in its declared state, a token without a final phase).
/// </summary>
public sealed class Fleet
{
    public const string Account = "acct";
    private readonly World world;
    private readonly Dictionary<string, string> declared = [];
    private readonly Dictionary<string, List<(string Kind, string Token, DateTimeOffset At)>> tokens = [];

    private Fleet(World world, IProviderSimulator simulator, IReadOnlyList<(string Name, string Id)> members)
    {
        this.world = world;
        Simulator = simulator;
        Members = members;
    }

    public IProviderSimulator Simulator { get; }

    public IReadOnlyList<(string Name, string Id)> Members { get; }

    /// <summary>Actions the declarations call for (state changes the provider must see, plus one per token).</summary>
    public int Expected { get; private set; }

    public static async Task<Fleet> CreateAsync(World world, IProviderSimulator simulator, int count, string extraSpec = "",
        SimPowerState initial = SimPowerState.Running, string state = "Running", int firstId = 1000, string? endpoint = null)
    {
        await world.ApplyProviderAsync(Account, simulator.Type, endpoint ?? simulator.BaseAddress.ToString(), simulator.Token);
        var members = Enumerable.Range(0, count).Select(i => ($"s{i}", (firstId + i).ToString(System.Globalization.CultureInfo.InvariantCulture))).ToList();
        var fleet = new Fleet(world, simulator, members);
        foreach (var (name, id) in members)
        {
            simulator.AddServer(id, initial);
            fleet.declared[name] = state;
            fleet.tokens[name] = [];
            if (Running(initial) != (state == "Running")) fleet.Expected++;
            await world.ApplyAsync($$"""
                apiVersion: {{World.Group}}/{{World.Version}}
                kind: ServerPower
                metadata: {name: {{name}}}
                spec:
                  providerRef: {name: {{Account}}}
                  serverId: "{{id}}"
                  state: {{state}}
                {{extraSpec}}
                """);
        }
        return fleet;
    }

    public string Name(int index) => Members[index].Name;

    public async Task DeclareAsync(int index, string state)
    {
        var name = Name(index);
        if (declared[name] != state) Expected++;
        declared[name] = state;
        await world.PatchAsync("serverpowers", name, new JsonObject { ["spec"] = new JsonObject { ["state"] = state } });
    }

    /// <summary>Sets a one-shot annotation (kind restart or rebuild) to a new token.</summary>
    public async Task OneShotAsync(int index, string kind, string token)
    {
        var name = Name(index);
        tokens[name].Add((kind, token, DateTimeOffset.UtcNow));
        Expected++;
        await world.PatchAsync("serverpowers", name, new JsonObject
        {
            ["metadata"] = new JsonObject { ["annotations"] = new JsonObject { [$"power.serverops.io/{kind}"] = token } },
        });
    }

    /// <summary>Action requests the simulator received for this fleet's servers since <paramref name="since"/>.</summary>
    public int Sent(DateTimeOffset since) =>
        Simulator.Actions.Snapshot().Count(a => a.At >= since && Members.Any(m => m.Id == a.ServerId));

    /// <summary>Every server in its declared state, at the provider and in status, and every token given a final phase.</summary>
    public bool Converged() => Lost() == 0;

    /// <summary>Only the tokens: each has a final phase (Done, Failed, Uncertain, Skipped) in status.</summary>
    public bool TokensSettled() => Members.All(m => tokens[m.Name].Count == 0 || TokenSettled(m.Name));

    public int Lost() => Members.Count(m => !InDeclaredState(m.Name, m.Id) || !TokenSettled(m.Name));

    /// <summary>Destructive requests beyond the first per token (and any without a token), per server.</summary>
    public int Duplicates()
    {
        var duplicates = 0;
        foreach (var (name, id) in Members)
        {
            var sent = Simulator.Actions.Snapshot().Where(a => a.ServerId == id && a.Destructive).Select(a => a.At).ToList();
            var marks = tokens[name].Select(t => t.At).Order().ToList();
            duplicates += sent.Count(at => marks.Count == 0 || at < marks[0]);
            for (var i = 0; i < marks.Count; i++)
            {
                var end = i + 1 < marks.Count ? marks[i + 1] : DateTimeOffset.MaxValue;
                duplicates += Math.Max(0, sent.Count(at => at >= marks[i] && at < end) - 1);
            }
        }
        return duplicates;
    }

    /// <summary>What is wrong with one server, for a failure message.</summary>
    public string Describe() => string.Join("; ", Members.Where(m => !InDeclaredState(m.Name, m.Id) || !TokenSettled(m.Name)).Select(m =>
        $"{m.Name}: declared {declared[m.Name]}, provider {Simulator.Servers.StateOf(m.Id)}, status {world.Server(m.Name)?["status"]?.ToJsonString()}"));

    private bool InDeclaredState(string name, string id)
    {
        var wantRunning = declared[name] == "Running";
        if (Running(Simulator.Servers.StateOf(id)) != wantRunning || Simulator.Servers.StateOf(id) is not (SimPowerState.Running or SimPowerState.Offline))
            return false;
        var server = world.Server(name);
        return server?["status"]?["powerState"]?.ToString() == declared[name]
            && server["status"]?["observedGeneration"]?.ToString() == server["metadata"]?["generation"]?.ToString();
    }

    private bool TokenSettled(string name)
    {
        var server = world.Server(name);
        foreach (var group in tokens[name].GroupBy(t => t.Kind))
        {
            var latest = group.Last().Token;
            var recorded = server?["status"]?[group.Key];
            if (recorded?["token"]?.ToString() != latest || recorded["phase"]?.ToString() is null or "Sending") return false;
        }
        return true;
    }

    private static bool Running(SimPowerState state) => state is SimPowerState.Running or SimPowerState.Starting;
}
