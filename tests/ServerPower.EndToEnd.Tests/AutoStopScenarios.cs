using System.Globalization;
using ServerPower.Api.Resources;
using ServerPower.EndToEnd.Tests.Infrastructure;
using ServerPower.Sandbox.Activity;
using ServerPower.Sandbox.Providers;
using ServerPower.Sandbox.Providers.Core;

namespace ServerPower.EndToEnd.Tests;

/// <summary>
/// spec.autoStop end to end: the operator as a separate process, the real kubectl (and <c>kubectl power wake</c>), the
/// provider simulators and the sandbox's activity fakes (Minecraft Server List Ping over TCP, A2S_INFO over UDP) on
/// 127.0.0.1. Durations are short (idleAfter 10s, one read a second) so a scenario takes well under a minute.
/// </summary>
public abstract class AutoStopScenarios<TCluster>(SystemFixture<TCluster> system) where TCluster : ITestCluster, new()
{
    private readonly string ns = $"e2e-{Guid.NewGuid().ToString("N")[..8]}";
    private Kubectl Kubectl => system.Kubectl;
    private PowerPlugin Power => new(system.Cluster.Kubeconfig);
    private IProviderSimulator Wenium => system.Simulators[ProviderType.Wenium];
    private IProviderSimulator Panel => system.Simulators[ProviderType.PterodactylPanel];
    private OperatorProcess? op;

    private const string ReadyReason = ".status.conditions[?(@.type==\"Ready\")].reason";
    private static readonly TimeSpan IdleAfter = TimeSpan.FromSeconds(10);

    private async Task<OperatorProcess> StartAsync()
    {
        Assert.SkipWhen(system.Cluster.UnavailableReason is not null, system.Cluster.UnavailableReason ?? "");
        await Kubectl.RunAsync("create", "namespace", ns);
        return op = system.StartOperator(ns);
    }

    private static string Server(string name, string provider, string serverId, string autoStop, string extraSpec = "") => $$"""
        ---
        apiVersion: power.serverops.io/v1alpha1
        kind: ServerPower
        metadata: {name: {{name}}}
        spec:
          providerRef: {name: {{provider}}}
          serverId: "{{serverId}}"
          state: Running
          autoStop: {{{autoStop}}}
        {{extraSpec}}
        """;

    /// <summary>An idle rule reading <paramref name="activity"/> once a second, with no startup grace.</summary>
    private static string Idle(string activity) => $"idleAfter: {IdleAfter.TotalSeconds}s, startupGrace: 0s, periodSeconds: 1, activity: {{{activity}}}";

    private static string Minecraft(MinecraftPingListener mc) => $"minecraft: {{host: \"127.0.0.1\", port: {mc.Port}}}";

    private static string A2s(A2sResponder a2s) => $"a2s: {{host: \"127.0.0.1\", port: {a2s.Port}}}";

    private async Task ApplyAsync(string manifest)
    {
        var file = Path.Combine(Path.GetTempPath(), $"e2e-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(file, manifest);
        await Kubectl.RunAsync("apply", "-n", ns, "-f", file);
        File.Delete(file);
    }

    private Task<string> JsonPathAsync(string name, string path) =>
        Kubectl.RunAsync("get", "serverpower", name, "-n", ns, "-o", $"jsonpath={{{path}}}");

    /// <summary>Waits for the value; a timeout says what the operator logged last about the server.</summary>
    private async Task<string> WaitForAsync(string name, string path, string expected)
    {
        try
        {
            return await Eventually.WaitAsync(() => JsonPathAsync(name, path), v => v == expected, $"{name} {path} == {expected}");
        }
        catch (Xunit.Sdk.XunitException e) when (op is not null)
        {
            var tail = op.Lines.Where(l => l.Contains(name, StringComparison.Ordinal)).TakeLast(30);
            Assert.Fail($"{e.Message}\nstatus: {await JsonPathAsync(name, ".status")}\noperator log about {name}:\n{string.Join('\n', tail)}");
            throw;
        }
    }

    /// <summary>Auto-stopped: Ready=True AutoStopped, the reason recorded, desired Stopped, the server Stopped.</summary>
    private async Task AssertAutoStoppedAsync(string name, string reason)
    {
        await WaitForAsync(name, ".status.autoStop.reason", reason);
        await WaitForAsync(name, ReadyReason, "AutoStopped");
        Assert.Equal("True", await JsonPathAsync(name, ".status.conditions[?(@.type==\"Ready\")].status"));
        Assert.Contains($"kubectl power wake {name}", await JsonPathAsync(name, ".status.conditions[?(@.type==\"Ready\")].message"), StringComparison.Ordinal);
        Assert.Equal("Stopped", await JsonPathAsync(name, ".status.desiredState"));
        Assert.Equal("Stopped", await JsonPathAsync(name, ".status.powerState"));
    }

    /// <summary>Waits until the operator has read server states at the provider <paramref name="more"/> more times (one by one or batched: reconciles, resyncs).</summary>
    private static async Task WaitForStateReadsAsync(IProviderSimulator simulator, int more)
    {
        int Reads() => simulator.Requests.Matching("GET", "/servers").Count;
        var target = Reads() + more;
        await Eventually.WaitAsync(() => Reads() >= target, $"{more} more state reads at {simulator.Type}");
    }

    private static string NewId() => Random.Shared.Next(100_000, 999_999).ToString(CultureInfo.InvariantCulture);

    [Fact]
    public async Task Minecraft_players_keep_it_running_nobody_stops_it_once_it_stays_stopped_and_wake_starts_it_once()
    {
        await using var _ = await StartAsync();
        await using var mc = MinecraftPingListener.Start(players: 2);
        var id = NewId();
        Wenium.AddServer(id, SimPowerState.Running);
        await ApplyAsync(ProviderManifest.For(Wenium) + "\n" + Server("mc", "wenium", id, Idle(Minecraft(mc))));

        // Two players: read, and the server runs on for well past idleAfter (at least 15 reads a second or more apart).
        await WaitForAsync("mc", ".status.autoStop.players", "2");
        await WaitForAsync("mc", ReadyReason, "InDesiredState");
        var reads = mc.Handshakes.Count;
        await Eventually.WaitAsync(() => mc.Handshakes.Count >= reads + 15, "15 more Server List Pings");
        Assert.Equal(0, Wenium.Actions.Count(id));
        Assert.Equal("", await JsonPathAsync("mc", ".status.autoStop.idleSince"));
        Assert.All(mc.Handshakes, h => Assert.Equal(1, h.NextState));

        // Nobody plays: once every read for idleAfter saw 0, exactly one stop.
        // (The bound is a lower one on the same machine's clock: slowness only makes the gap longer.)
        var nobody = DateTimeOffset.UtcNow;
        mc.Players = 0;
        await AssertAutoStoppedAsync("mc", "Idle");
        var stoppedAt = DateTimeOffset.Parse(await JsonPathAsync("mc", ".status.autoStop.stoppedAt"), CultureInfo.InvariantCulture);
        Assert.True(stoppedAt - nobody >= IdleAfter - TimeSpan.FromSeconds(1), $"stopped at {stoppedAt:O}, nobody played from {nobody:O}: less than idleAfter");
        Assert.Equal(1, Wenium.Actions.Count(id, "stop"));

        // It stays stopped across further reconciles and resyncs: nothing more is sent, not even with players back.
        mc.Players = 3;
        await WaitForStateReadsAsync(Wenium, 3);
        Assert.Equal(1, Wenium.Actions.Count(id));
        Assert.Equal("AutoStopped", await JsonPathAsync("mc", ReadyReason));

        // kubectl power wake: exactly one start, Running again, and startupGrace counts from this start.
        var wake = await Power.RunAsync("wake", "mc", "-n", ns);
        Assert.True(wake.ExitCode == 0, $"kubectl power wake exited {wake.ExitCode}: {wake.Error}{wake.Output}");
        await WaitForAsync("mc", ".status.powerState", "Running");
        await WaitForAsync("mc", ReadyReason, "InDesiredState");
        Assert.Equal(1, Wenium.Actions.Count(id, "start"));
        Assert.Equal(2, Wenium.Actions.Count(id));
        Assert.Equal("", await JsonPathAsync("mc", ".status.autoStop.reason"));
        Assert.Equal("Running", await JsonPathAsync("mc", ".status.desiredState"));
        Assert.Equal("Done", await JsonPathAsync("mc", ".status.wake.phase"));
        var startedAt = DateTimeOffset.Parse(
            await Eventually.WaitAsync(() => JsonPathAsync("mc", ".status.autoStop.startedAt"), v => v != "", "mc startedAt after the wake"),
            CultureInfo.InvariantCulture);
        Assert.True(startedAt > stoppedAt, $"startedAt {startedAt:O} is not after the auto-stop at {stoppedAt:O}");
    }

    [Fact]
    public async Task A2s_counts_players_minus_bots_and_a_silent_or_garbage_answer_never_stops_a_server()
    {
        await using var _ = await StartAsync();
        await using var bots = A2sResponder.Start(players: 3, bots: 3);
        bots.RequireChallenge = true;
        await using var garbage = A2sResponder.Start(players: 0);
        garbage.Mode = A2sFakeMode.Garbage;
        await using var silent = A2sResponder.Start(players: 0);
        silent.Mode = A2sFakeMode.Silent;
        var (botsId, garbageId, silentId) = (NewId(), NewId(), NewId());
        foreach (var id in new[] { botsId, garbageId, silentId }) Wenium.AddServer(id, SimPowerState.Running);
        await ApplyAsync(ProviderManifest.For(Wenium) + "\n"
            + Server("bots", "wenium", botsId, Idle(A2s(bots))) + "\n"
            + Server("garbage", "wenium", garbageId, Idle(A2s(garbage))) + "\n"
            + Server("silent", "wenium", silentId, Idle(A2s(silent))));

        // Three players, all bots: 0 players, so idle; stopped once (after a challenge, as a 2020+ server asks).
        await AssertAutoStoppedAsync("bots", "Idle");
        Assert.Equal(1, Wenium.Actions.Count(botsId, "stop"));
        Assert.Equal(1, Wenium.Actions.Count(botsId));
        Assert.True(bots.ChallengedRequests > 0, "no request carried the challenge");

        // Unknown is not zero: reads over a window longer than idleAfter (a read at least a second apart, a silent one
        // timing out after 5 s each), and nothing is sent, no idle run begins. (A stop ends the wait early: an
        // auto-stopped server is no longer read, so the assertions below say what went wrong.)
        var (garbageFrom, silentFrom) = (garbage.Requests, silent.Requests);
        await Eventually.WaitAsync(() => (garbage.Requests >= garbageFrom + 15 && silent.Requests >= silentFrom + 4)
            || Wenium.Actions.Count(garbageId) + Wenium.Actions.Count(silentId) > 0, "15 garbage and 4 silent A2S reads");
        foreach (var (name, id) in new[] { ("garbage", garbageId), ("silent", silentId) })
        {
            Assert.Equal(0, Wenium.Actions.Count(id));
            Assert.Equal("", await JsonPathAsync(name, ".status.autoStop.idleSince"));
            Assert.Equal("", await JsonPathAsync(name, ".status.autoStop.reason"));
            Assert.Equal("InDesiredState", await JsonPathAsync(name, ReadyReason));
        }
    }

    [Fact]
    public async Task MaxRuntime_stops_a_server_with_players_after_the_stop_warning_reached_the_panel_console()
    {
        await using var _ = await StartAsync();
        await using var mc = MinecraftPingListener.Start(players: 4);
        var id = "p" + NewId();
        Panel.AddServer(id, SimPowerState.Running);
        await ApplyAsync(ProviderManifest.For(Panel, "panel") + "\n" + Server("mc", "panel", id,
            $"maxRuntime: 15s, idleAfter: 10s, startupGrace: 0s, periodSeconds: 1, activity: {{{Minecraft(mc)}}}",
            "  stop: {warning: {before: 3s, command: \"say The server stops in 3 seconds\"}}"));

        await WaitForAsync("mc", ".status.autoStop.players", "4");
        await AssertAutoStoppedAsync("mc", "MaxRuntime");
        Assert.Equal(["say The server stops in 3 seconds"], Panel.Commands.For(id));
        var stop = Assert.Single(Panel.Actions.Snapshot(), a => a.ServerId == id);
        Assert.Equal("stop", stop.Action);
        var warned = Assert.Single(Panel.Commands.Snapshot(), c => c.ServerId == id);
        Assert.True(warned.At < stop.At, $"the warning ({warned.At:O}) did not reach the console before the stop ({stop.At:O})");
        Assert.NotEqual("", await JsonPathAsync("mc", ".status.stopWarning.sentAt"));
    }
}

[Collection("emulator")]
public sealed class EmulatorAutoStopScenarios(EmulatorSystem system) : AutoStopScenarios<EmulatorCluster>(system), IClassFixture<EmulatorSystem>;

/// <summary>The same scenarios against a real k3s; skipped, with the reason, where no Docker engine answers.</summary>
[Collection("k3s")]
public sealed class K3sAutoStopScenarios(K3sSystem system) : AutoStopScenarios<K3sCluster>(system), IClassFixture<K3sSystem>;
