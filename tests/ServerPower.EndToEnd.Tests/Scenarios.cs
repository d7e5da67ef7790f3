using ServerPower.Api.Resources;
using ServerPower.EndToEnd.Tests.Infrastructure;
using ServerPower.Sandbox.Providers;
using ServerPower.Sandbox.Providers.Core;

namespace ServerPower.EndToEnd.Tests;

/// <summary>
/// What users do, end to end: the operator as a separate process, the real kubectl as the client, the provider
/// simulators on 127.0.0.1. Each scenario has its own namespace and operator process (leader election on), limited to the chart's RBAC.
/// </summary>
public abstract class Scenarios<TCluster>(SystemFixture<TCluster> system) where TCluster : ITestCluster, new()
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

    private string Provider(string name = "wenium") => ProviderManifest.For(Wenium, name);

    private static string Server(string name, string serverId, string state, string extraSpec = "", string annotations = "") => $$"""
        apiVersion: power.serverops.io/v1alpha1
        kind: ServerPower
        metadata:
          name: {{name}}
          annotations: {{{annotations}}}
        spec:
          providerRef: {name: wenium}
          serverId: "{{serverId}}"
          state: {{state}}
        {{extraSpec}}
        """;

    private Task ApplyAsync(string manifest) => Kubectl.RunAsync("apply", "-n", ns, "-f", Write(manifest));

    private static string Write(string manifest)
    {
        var file = Path.Combine(Path.GetTempPath(), $"e2e-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(file, manifest);
        return file;
    }

    private Task<string> JsonPathAsync(string name, string path) =>
        Kubectl.RunAsync("get", "serverpower", name, "-n", ns, "-o", $"jsonpath={{{path}}}");

    private Task WaitReadyAsync(string what, string timeout = "90s") =>
        Kubectl.RunAsync("wait", "-n", ns, "--for=condition=Ready", what, $"--timeout={timeout}");

    private Task<string> WaitForAsync(string name, string path, string expected) =>
        Eventually.WaitAsync(() => JsonPathAsync(name, path), v => v == expected, $"{name} {path} == {expected}");

    private IReadOnlyList<RecordedRequest> Actions(string serverId, string action) =>
        Wenium.Requests.Matching("POST", $"/servers/{serverId}/action").Where(r => r.Body?.Contains($"\"{action}\"", StringComparison.Ordinal) == true).ToList();

    private static string NewServerId() => Random.Shared.Next(100_000, 999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task Samples_applied_with_kubectl_all_become_Ready()
    {
        await using var op = await StartAsync();
        await Kubectl.RunAsync("apply", "-n", ns, "-f", Write(system.SamplesManifest()));
        await Kubectl.RunAsync("wait", "-n", ns, "--for=condition=Ready", "serverpowers", "--all", "--timeout=120s");
        var table = await Kubectl.RunAsync("get", "serverpowers", "-n", ns);
        Assert.DoesNotMatch(@"\sFalse\s", table);
        await Kubectl.RunAsync("wait", "-n", ns, "--for=condition=Ready", "powerproviders", "--all", "--timeout=60s");
    }

    [Fact]
    public async Task Changing_spec_state_makes_exactly_one_provider_call_and_status_follows()
    {
        await using var op = await StartAsync();
        var id = NewServerId();
        Wenium.AddServer(id, SimPowerState.Running);
        await ApplyAsync(Provider() + "\n---\n" + Server("web", id, "Running"));
        await WaitReadyAsync("serverpower/web");
        Assert.Empty(Actions(id, "stop"));

        await Kubectl.RunAsync("patch", "serverpower", "web", "-n", ns, "--type", "merge", "-p", """{"spec":{"state":"Stopped"}}""");
        await WaitForAsync("web", ".status.powerState", "Stopped");
        await WaitReadyAsync("serverpower/web");

        Assert.Single(Actions(id, "stop"));
        Assert.Empty(Actions(id, "start"));
        Assert.Equal("Stop", await JsonPathAsync("web", ".status.lastAction.type"));
    }

    [Fact]
    public async Task A_restart_annotation_restarts_once_and_reapplying_the_same_manifest_does_nothing()
    {
        await using var op = await StartAsync();
        var id = NewServerId();
        Wenium.AddServer(id, SimPowerState.Running);
        var manifest = Provider() + "\n---\n" + Server("game", id, "Running");
        await ApplyAsync(manifest);
        await WaitReadyAsync("serverpower/game");

        await Kubectl.RunAsync("annotate", "serverpower", "game", "-n", ns, "power.serverops.io/restart=first");
        await WaitForAsync("game", ".status.restart.phase", "Done");
        Assert.Single(Actions(id, "reboot"));

        // GitOps: the same manifest again (now without the annotation change) must not act again.
        await ApplyAsync(manifest);
        await Kubectl.RunAsync("annotate", "serverpower", "game", "-n", ns, "--overwrite", "power.serverops.io/restart=first");
        await WaitReadyAsync("serverpower/game");
        await Kubectl.RunAsync("label", "serverpower", "game", "-n", ns, "touched=yes"); // forces one more reconcile
        await WaitForAsync("game", ".metadata.labels.touched", "yes");
        await WaitReadyAsync("serverpower/game");
        Assert.Single(Actions(id, "reboot"));
    }

    [Fact]
    public async Task A_rebuild_interrupted_by_SIGKILL_is_never_sent_twice()
    {
        var op = await StartAsync();
        var id = NewServerId();
        Wenium.AddServer(id, SimPowerState.Running);
        var rebuild = "  rebuild: {osId: ubuntu-22.04}";
        await ApplyAsync(Provider() + "\n---\n" + Server("db", id, "Running", rebuild));
        await WaitReadyAsync("serverpower/db");

        Wenium.Faults.Delay(TimeSpan.FromSeconds(60), method: "POST", path: $"/servers/{id}/action");
        await Kubectl.RunAsync("annotate", "serverpower", "db", "-n", ns, "power.serverops.io/rebuild=r1");
        await WaitForAsync("db", ".status.rebuild.phase", "Sending");
        await Eventually.WaitAsync(() => Actions(id, "rebuild").Count == 1, "the rebuild request to reach the provider");
        await op.KillAsync();
        await op.DisposeAsync();

        await using var second = system.StartOperator(ns);
        await WaitForAsync("db", ".status.rebuild.phase", "Uncertain");
        var reason = await Kubectl.RunAsync("get", "serverpower", "db", "-n", ns, "-o", "jsonpath={.status.conditions[?(@.type==\"Ready\")].reason}");
        Assert.Equal("OneShotUncertain", reason);
        Assert.Single(Actions(id, "rebuild"));
    }

    [Fact]
    public async Task A_provider_answering_503_gives_Synced_False_then_recovers()
    {
        await using var op = await StartAsync();
        var id = NewServerId();
        Wenium.AddServer(id, SimPowerState.Running);
        // Five failures open the circuit (5 calls, 80% failed) for its break duration: a visible outage, then recovery.
        Wenium.Faults.Respond(503, count: 5, method: "GET", path: "/servers");
        await ApplyAsync(Provider() + "\n---\n" + Server("flaky", id, "Running"));

        await Eventually.WaitAsync(
            () => Kubectl.RunAsync("get", "serverpower", "flaky", "-n", ns, "-o", "jsonpath={.status.conditions[?(@.type==\"Synced\")].reason}"),
            r => r == "ProviderUnavailable", "Synced=False ProviderUnavailable");
        await WaitReadyAsync("serverpower/flaky", "120s");
        var synced = await Kubectl.RunAsync("get", "serverpower", "flaky", "-n", ns, "-o", "jsonpath={.status.conditions[?(@.type==\"Synced\")].status}");
        Assert.Equal("True", synced);
    }

    [Fact]
    public async Task A_raised_rateLimit_applies_at_once_and_the_own_limit_is_never_reported_as_a_429()
    {
        await using var op = await StartAsync();
        var id = NewServerId();
        Wenium.AddServer(id, SimPowerState.Running);
        await ApplyAsync(Provider() + "\n  rateLimit: {requestsPerSecond: 0.001, burst: 1}");
        // The PowerProvider's probe takes the only token; the next comes in 1,000 s.
        await Eventually.WaitAsync(
            () => Kubectl.RunAsync("get", "powerprovider", "wenium", "-n", ns, "-o", "jsonpath={.status.conditions[?(@.type==\"Ready\")].reason}"),
            r => r.Length > 0, "the PowerProvider probed");
        await ApplyAsync(Server("slow", id, "Running"));
        var reason = await Eventually.WaitAsync(() => SyncedAsync("slow"), r => r.StartsWith("RateLimited", StringComparison.Ordinal),
            "Synced=False RateLimited");
        Assert.Contains("spec.rateLimit", reason, StringComparison.Ordinal);
        Assert.DoesNotContain("429", reason, StringComparison.Ordinal);

        await Kubectl.RunAsync("patch", "powerprovider", "wenium", "-n", ns, "--type", "merge", "-p", """{"spec":{"rateLimit":{"requestsPerSecond":100}}}""");

        await WaitReadyAsync("serverpower/slow", "60s");
        Assert.StartsWith("ReconcileSucceeded", await SyncedAsync("slow"), StringComparison.Ordinal);
    }

    private Task<string> SyncedAsync(string name) =>
        JsonPathAsync(name, ".status.conditions[?(@.type==\"Synced\")].reason}: {.status.conditions[?(@.type==\"Synced\")].message");

    [Fact]
    public async Task Kubectl_get_shows_the_printer_columns_and_explain_documents_the_fields()
    {
        await using var op = await StartAsync();
        var id = NewServerId();
        Wenium.AddServer(id, SimPowerState.Running);
        await ApplyAsync(Provider() + "\n---\n" + Server("cols", id, "Running"));
        await WaitReadyAsync("serverpower/cols");

        var table = await Kubectl.RunAsync("get", "serverpowers", "-n", ns);
        Assert.Matches(@"NAME\s+DESIRED\s+POWER\s+READY\s+SYNCED\s+PROVIDER\s+AGE", table);
        Assert.Matches(@"cols\s+Running\s+Running\s+True\s+True\s+wenium", table);
        var wide = await Kubectl.RunAsync("get", "spw", "-n", ns, "-o", "wide");
        Assert.Matches(@"SERVER\s+LAST ACTION\s+MESSAGE\s+SYNC MESSAGE", wide);
        Assert.Contains(id, wide);

        var explain = await Kubectl.RunAsync("explain", "serverpower.spec");
        foreach (var field in new[] { "providerRef", "serverId", "state", "suspend", "managementPolicy", "stop", "rebuild", "deletionPolicy" })
            Assert.Contains(field, explain);
    }

    [Fact]
    public async Task Deleting_with_deletionPolicy_Stop_stops_the_server_first()
    {
        await using var op = await StartAsync();
        var id = NewServerId();
        Wenium.AddServer(id, SimPowerState.Running);
        await ApplyAsync(Provider() + "\n---\n" + Server("old", id, "Running", "  deletionPolicy: Stop"));
        await WaitReadyAsync("serverpower/old");
        await WaitForAsync("old", ".metadata.finalizers[0]", "power.serverops.io/stop-on-delete");

        await Kubectl.RunAsync("delete", "serverpower", "old", "-n", ns, "--timeout=90s");

        Assert.Single(Actions(id, "stop"));
        Assert.Equal(SimPowerState.Offline, Wenium.Servers.StateOf(id));
        var left = await Kubectl.TryRunAsync("get", "serverpower", "old", "-n", ns);
        Assert.NotEqual(0, left.ExitCode);
    }

    /// <summary>
    /// Issue 20: an override until 9999-12-31T23:59:59-01:00 threw on every reconcile (status stale, the deletion
    /// waiting forever), and a gracePeriod of 999999999h was admitted and threw the same way. Now the CRD refuses the
    /// grace period, the override is Synced=False InvalidSpec with nothing sent, and the deletion stops the server.
    /// </summary>
    [Fact]
    public async Task A_value_past_the_bounds_never_blocks_a_reconcile_or_a_deletion()
    {
        await using var op = await StartAsync();
        var id = NewServerId();
        Wenium.AddServer(id, SimPowerState.Running);
        var refused = await Kubectl.TryRunAsync("apply", "-n", ns, "-f", Write(Server("huge", id, "Running", "  stop: {gracePeriod: 999999999h}")));
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("spec.stop.gracePeriod", refused.Error, StringComparison.Ordinal);

        await ApplyAsync(Provider() + "\n---\n" + Server("far", id, "Running", "  deletionPolicy: Stop",
            "power.serverops.io/override: \"Stopped until 9999-12-31T23:59:59-01:00\""));
        await WaitForAsync("far", ".status.conditions[?(@.type==\"Synced\")].reason", "InvalidSpec");
        Assert.Contains("power.serverops.io/override", await JsonPathAsync("far", ".status.conditions[?(@.type==\"Synced\")].message"), StringComparison.Ordinal);
        await WaitForAsync("far", ".metadata.finalizers[0]", "power.serverops.io/stop-on-delete");
        Assert.Empty(Actions(id, "stop"));

        await Kubectl.RunAsync("delete", "serverpower", "far", "-n", ns, "--timeout=90s");

        Assert.Single(Actions(id, "stop"));
        Assert.Equal(SimPowerState.Offline, Wenium.Servers.StateOf(id));
    }
}

[Collection("emulator")]
public sealed class EmulatorScenarios(EmulatorSystem system) : Scenarios<EmulatorCluster>(system), IClassFixture<EmulatorSystem>;

/// <summary>The same scenarios against a real k3s; skipped, with the reason, where no Docker engine answers.</summary>
[Collection("k3s")]
public sealed class K3sScenarios(K3sSystem system) : Scenarios<K3sCluster>(system), IClassFixture<K3sSystem>;
