using ServerPower.Api.Resources;
using ServerPower.EndToEnd.Tests.Infrastructure;
using ServerPower.Sandbox.Providers;
using ServerPower.Sandbox.Providers.Core;

namespace ServerPower.EndToEnd.Tests;

/// <summary>
/// The ways a careful user broke the guarantees, each tried again end to end: the operator as its own process, the
/// real kubectl, the provider simulators on 127.0.0.1 counting what reaches them.
/// </summary>
public abstract class PromiseHoleScenarios<TCluster>(SystemFixture<TCluster> system) where TCluster : ITestCluster, new()
{
    private readonly string ns = $"e2e-{Guid.NewGuid().ToString("N")[..8]}";
    private Kubectl Kubectl => system.Kubectl;

    private async Task<OperatorProcess> StartAsync()
    {
        Assert.SkipWhen(system.Cluster.UnavailableReason is not null, system.Cluster.UnavailableReason ?? "");
        await Kubectl.RunAsync("create", "namespace", ns);
        return system.StartOperator(ns);
    }

    private IProviderSimulator Wenium => system.Simulators[ProviderType.Wenium];
    private IProviderSimulator Panel => system.Simulators[ProviderType.PterodactylPanel];

    private static string Server(string name, string provider, string serverId, string state, string extraSpec = "", string annotations = "") => $$"""
        apiVersion: power.serverops.io/v1alpha1
        kind: ServerPower
        metadata:
          name: {{name}}
          annotations: {{{annotations}}}
        spec:
          providerRef: {name: {{provider}}}
          serverId: "{{serverId}}"
          state: {{state}}
        {{extraSpec}}
        """;

    private Task ApplyAsync(string manifest)
    {
        var file = Path.Combine(Path.GetTempPath(), $"e2e-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(file, manifest);
        return Kubectl.RunAsync("apply", "-n", ns, "-f", file);
    }

    private Task PatchAsync(string name, string patch) => Kubectl.RunAsync("patch", "serverpower", name, "-n", ns, "--type", "merge", "-p", patch);

    /// <summary>A path (<c>.status.x</c>) or a whole template (<c>{.a}/{.b}</c>).</summary>
    private Task<string> JsonPathAsync(string name, string path) =>
        Kubectl.RunAsync("get", "serverpower", name, "-n", ns, "-o", $"jsonpath={(path.StartsWith('{') ? path : "{" + path + "}")}");

    private Task WaitReadyAsync(string name) => Kubectl.RunAsync("wait", "-n", ns, "--for=condition=Ready", $"serverpower/{name}", "--timeout=120s");

    private Task<string> WaitForAsync(string name, string path, string expected) =>
        Eventually.WaitAsync(() => JsonPathAsync(name, path), v => v == expected, $"{name} {path} == {expected}");

    private static IReadOnlyList<RecordedRequest> WeniumActions(IProviderSimulator sim, string id, string action) =>
        sim.Requests.Matching("POST", $"/servers/{id}/action").Where(r => r.Body.Contains($"\"{action}\"", StringComparison.Ordinal)).ToList();

    private static IReadOnlyList<RecordedRequest> PanelActions(IProviderSimulator sim, string id, string? action = null) =>
        sim.Requests.Matching("POST", $"/servers/{id}/power").Where(r => action is null || r.Body.Contains($"\"{action}\"", StringComparison.Ordinal)).ToList();

    private static string NewId(string prefix = "") => prefix + Random.Shared.Next(100_000, 999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task Two_ServerPowers_declaring_one_server_never_both_act_and_the_second_takes_over_when_the_first_goes()
    {
        await using var op = await StartAsync();
        var id = NewId();
        Wenium.AddServer(id, SimPowerState.Running);
        await ApplyAsync(ProviderManifest.For(Wenium) + "\n---\n" + Server("db", "wenium", id, "Running"));
        await WaitReadyAsync("db");
        await ApplyAsync(Server("office", "wenium", id, "Stopped"));

        await WaitForAsync("office", ".status.conditions[?(@.type==\"Synced\")].reason", "ServerConflict");
        Assert.Contains("ServerPower \"db\"", await JsonPathAsync("office", ".status.conditions[?(@.type==\"Synced\")].message"), StringComparison.Ordinal);
        Assert.Equal("True", await JsonPathAsync("db", ".status.conditions[?(@.type==\"Ready\")].status"));
        Assert.Empty(WeniumActions(Wenium, id, "stop"));

        await Kubectl.RunAsync("delete", "serverpower", "db", "-n", ns, "--timeout=60s");
        await WaitForAsync("office", ".status.powerState", "Stopped");
        Assert.Single(WeniumActions(Wenium, id, "stop"));
        Assert.Empty(WeniumActions(Wenium, id, "start"));
    }

    [Fact]
    public async Task A_stop_sent_to_one_server_id_never_becomes_a_kill_of_the_next()
    {
        await using var op = await StartAsync();
        var (f, g) = (NewId("f"), NewId("g"));
        Panel.AddServer(f, SimPowerState.Running);
        Panel.AddServer(g, SimPowerState.Running);
        await ApplyAsync(ProviderManifest.For(Panel, "panel") + "\n---\n"
            + Server("game", "panel", f, "Running", "  stop: {gracePeriod: 10s, onTimeout: Kill}"));
        await WaitReadyAsync("game");

        await PatchAsync("game", """{"spec":{"state":"Stopped"}}""");
        await Eventually.WaitAsync(() => PanelActions(Panel, f, "stop").Count > 0, $"a stop reaches {f}");
        // Both servers hang in Stopping: the stop never finishes.
        Panel.Servers.Force(f, SimPowerState.Stopping);
        Panel.Servers.Force(g, SimPowerState.Stopping);
        await PatchAsync("game", $$$"""{"spec":{"serverId":"{{{g}}}"}}""");

        // g gets a graceful stop of its own, and only a kill once that stop outlived the grace period.
        await Eventually.WaitAsync(() => PanelActions(Panel, g, "kill").Count > 0, $"{g} is killed after its own stop");
        var toG = PanelActions(Panel, g);
        Assert.Contains("stop", toG[0].Body, StringComparison.Ordinal);
        var kill = toG.First(r => r.Body.Contains("kill", StringComparison.Ordinal));
        // The whole grace period, measured at the provider (status times are whole seconds; the operator must not let
        // that shorten it: a 1s grace period once got its kill 0.1 s after the stop).
        Assert.True(kill.ReceivedAt - toG[0].ReceivedAt >= TimeSpan.FromSeconds(10), $"kill {kill.ReceivedAt:O} came less than the grace period after the stop {toG[0].ReceivedAt:O}");
        Assert.Empty(PanelActions(Panel, f, "kill"));
        Assert.Contains(g, await JsonPathAsync("game", ".status.lastAction.target"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_server_started_again_while_suspended_gets_a_new_graceful_stop_not_a_kill()
    {
        await using var op = await StartAsync();
        var id = NewId("c");
        Panel.AddServer(id, SimPowerState.Running);
        await ApplyAsync(ProviderManifest.For(Panel, "panel") + "\n---\n"
            + Server("back", "panel", id, "Stopped", "  stop: {gracePeriod: 1s, onTimeout: Kill}"));
        await Eventually.WaitAsync(() => PanelActions(Panel, id, "stop").Count > 0, $"a stop reaches {id}");
        await WaitForAsync("back", ".status.lastAction.result", "Accepted");

        // Suspended; someone starts the server at the panel; unsuspended well past the grace period.
        await PatchAsync("back", """{"spec":{"suspend":true}}""");
        await WaitForAsync("back", ".status.conditions[?(@.type==\"Ready\")].reason", "Suspended");
        Panel.Servers.Force(id, SimPowerState.Running);
        await PatchAsync("back", """{"spec":{"suspend":false}}""");

        await Eventually.WaitAsync(() => PanelActions(Panel, id, "stop").Count > 1, $"{id} gets a second graceful stop");
        Assert.Empty(PanelActions(Panel, id, "kill"));
    }

    [Fact]
    public async Task A_rollback_to_an_earlier_restart_token_does_not_restart_again()
    {
        await using var op = await StartAsync();
        var id = NewId();
        Wenium.AddServer(id, SimPowerState.Running);
        await ApplyAsync(ProviderManifest.For(Wenium) + "\n---\n" + Server("game", "wenium", id, "Running"));
        await WaitReadyAsync("game");

        foreach (var token in new[] { "A", "B" })
        {
            await Kubectl.RunAsync("annotate", "serverpower", "game", "-n", ns, "--overwrite", $"power.serverops.io/restart={token}");
            await WaitForAsync("game", "{.status.restart.token}/{.status.restart.phase}", $"{token}/Done");
            await WaitReadyAsync("game");
        }
        await Kubectl.RunAsync("annotate", "serverpower", "game", "-n", ns, "--overwrite", "power.serverops.io/restart=A");
        await WaitForAsync("game", "{.status.restart.token}/{.status.restart.phase}", "A/Skipped");

        Assert.StartsWith("already handled at", await JsonPathAsync("game", ".status.restart.message"), StringComparison.Ordinal);
        Assert.Equal(2, WeniumActions(Wenium, id, "reboot").Count);
    }

    [Fact]
    public async Task An_override_at_the_edge_of_time_never_blocks_a_deletion()
    {
        await using var op = await StartAsync();
        var id = NewId();
        Wenium.AddServer(id, SimPowerState.Running);
        await ApplyAsync(ProviderManifest.For(Wenium) + "\n---\n"
            + Server("edge", "wenium", id, "Running", "  deletionPolicy: Stop", "power.serverops.io/override: \"Stopped until 9999-12-31T23:59:59-01:00\""));
        await WaitForAsync("edge", ".status.conditions[?(@.type==\"Synced\")].reason", "InvalidSpec");

        await Kubectl.RunAsync("delete", "serverpower", "edge", "-n", ns, "--timeout=90s");
        Assert.NotEqual(0, (await Kubectl.TryRunAsync("get", "serverpower", "edge", "-n", ns)).ExitCode);
        Assert.Equal(SimPowerState.Offline, Wenium.Servers.StateOf(id));
    }
}

[Collection("emulator")]
public sealed class EmulatorPromiseHoleScenarios(EmulatorSystem system) : PromiseHoleScenarios<EmulatorCluster>(system), IClassFixture<EmulatorSystem>;

/// <summary>The same scenarios against a real k3s; skipped, with the reason, where no Docker engine answers.</summary>
[Collection("k3s")]
public sealed class K3sPromiseHoleScenarios(K3sSystem system) : PromiseHoleScenarios<K3sCluster>(system), IClassFixture<K3sSystem>;
