using ServerPower.Api.Resources;
using ServerPower.EndToEnd.Tests.Infrastructure;
using ServerPower.Sandbox.Providers;
using ServerPower.Sandbox.Providers.Core;
using ServerPower.Sandbox.Services;

namespace ServerPower.EndToEnd.Tests;

/// <summary>
/// spec.startAfter and spec.readinessProbe end to end: the operator as a separate process, the real kubectl, the Wenium
/// simulator, and a TCP listener on 127.0.0.1 standing in for a server's service.
/// </summary>
public abstract class OrderAndProbeScenarios<TCluster>(SystemFixture<TCluster> system) where TCluster : ITestCluster, new()
{
    private readonly string ns = $"e2e-{Guid.NewGuid().ToString("N")[..8]}";
    private Kubectl Kubectl => system.Kubectl;
    private IProviderSimulator Wenium => system.Simulators[ProviderType.Wenium];

    private string Provider => ProviderManifest.For(Wenium);

    private static string Server(string name, string serverId, string state, string extraSpec = "") => $$"""
        apiVersion: power.serverops.io/v1alpha1
        kind: ServerPower
        metadata: {name: {{name}}}
        spec:
          providerRef: {name: wenium}
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

    private Task<string> JsonPathAsync(string name, string path) =>
        Kubectl.RunAsync("get", "serverpower", name, "-n", ns, "-o", $"jsonpath={{{path}}}");

    private OperatorProcess? op;
    private Func<string>? diagnostics;

    /// <summary>Waits for the value; a timeout says what the operator logged last about it (and the probe).</summary>
    private async Task<string> WaitForAsync(string name, string path, string expected)
    {
        try
        {
            return await Eventually.WaitAsync(() => JsonPathAsync(name, path), v => v == expected, $"{name} {path} == {expected}");
        }
        catch (Xunit.Sdk.XunitException e) when (op is not null)
        {
            var tail = op.Lines.Where(l => l.Contains(name, StringComparison.Ordinal) || l.Contains("probe", StringComparison.OrdinalIgnoreCase)).TakeLast(30);
            Assert.Fail($"{e.Message}\n{diagnostics?.Invoke()}\noperator log about {name}:\n{string.Join('\n', tail)}");
            throw;
        }
    }

    private const string ReadyReason = ".status.conditions[?(@.type==\"Ready\")].reason";

    private RecordedRequest Action(string serverId, string action) =>
        Assert.Single(Wenium.Requests.Matching("POST", $"/servers/{serverId}/action"),
            r => r.Body?.Contains($"\"{action}\"", StringComparison.Ordinal) == true);

    private static string NewServerId() => Random.Shared.Next(100_000, 999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task Three_servers_start_in_order_stop_in_reverse_and_Ready_follows_the_service()
    {
        Assert.SkipWhen(system.Cluster.UnavailableReason is not null, system.Cluster.UnavailableReason ?? "");
        await Kubectl.RunAsync("create", "namespace", ns);
        await using var op = this.op = system.StartOperator(ns);
        await using var service = ServiceListener.Start();
        diagnostics = () => $"the service accepted {service.Accepted} connections and answers {service.StatusCode}";
        var (db, app, web) = (NewServerId(), NewServerId(), NewServerId());
        foreach (var id in new[] { db, app, web }) Wenium.AddServer(id);
        // The service answers 503 (failing) or 200 (passing) to an httpGet probe.
        var probe = $"  readinessProbe:\n    httpGet: {{url: \"http://127.0.0.1:{service.Port}/\"}}\n    periodSeconds: 1\n    failureThreshold: 1";
        // kubectl applies in file order: dependents are declared Stopped no later than what they list.
        string Manifest(string state) => string.Join("\n---\n",
            Provider,
            Server("web", web, state, "  startAfter: [app]"),
            Server("app", app, state, "  startAfter: [db]"),
            Server("db", db, state, probe));

        // web and app wait (WaitingForDependencies) until the server they list is Ready; db is Ready once its service answers.
        service.StatusCode = 503;
        await ApplyAsync(Manifest("Running"));
        await WaitForAsync("db", ".status.powerState", "Running");
        await WaitForAsync("app", ReadyReason, "WaitingForDependencies");
        await WaitForAsync("web", ReadyReason, "WaitingForDependencies");
        await WaitForAsync("db", ReadyReason, "ProbeFailing");
        Assert.Contains("db", await JsonPathAsync("app", ".status.conditions[?(@.type==\"Ready\")].message"));
        Assert.Empty(Wenium.Requests.Matching("POST", $"/servers/{app}/action"));

        service.StatusCode = 200;
        await Kubectl.RunAsync("wait", "-n", ns, "--for=condition=Ready", "serverpowers", "--all", "--timeout=150s");
        Assert.True(Action(db, "start").ReceivedAt < Action(app, "start").ReceivedAt, "app was started before db");
        Assert.True(Action(app, "start").ReceivedAt < Action(web, "start").ReceivedAt, "web was started before app");
        Assert.Equal("Success", await JsonPathAsync("db", ".status.probe.lastResult"));

        // Ready follows the service: failing, the probe fails; answering again, it passes. Nothing is sent for it.
        service.StatusCode = 503;
        await WaitForAsync("db", ReadyReason, "ProbeFailing");
        Assert.Equal("False", await JsonPathAsync("db", ".status.conditions[?(@.type==\"Ready\")].status"));
        Assert.Equal("Failure", await JsonPathAsync("db", ".status.probe.lastResult"));
        service.StatusCode = 200;
        await WaitForAsync("db", ReadyReason, "InDesiredState");
        Assert.True(service.Accepted > 0);
        Assert.Single(Wenium.Requests.Matching("POST", $"/servers/{db}/action"));

        // All three declared Stopped at once: web stops first, db last.
        await ApplyAsync(Manifest("Stopped"));
        foreach (var name in new[] { "db", "app", "web" }) await WaitForAsync(name, ".status.powerState", "Stopped");
        Assert.True(Action(web, "stop").ReceivedAt < Action(app, "stop").ReceivedAt, "app was stopped before web");
        Assert.True(Action(app, "stop").ReceivedAt < Action(db, "stop").ReceivedAt, "db was stopped before app");
        Assert.Equal("", await JsonPathAsync("db", ".status.probe"));
    }

    [Fact]
    public async Task Stops_applied_in_name_order_still_go_dependents_first()
    {
        Assert.SkipWhen(system.Cluster.UnavailableReason is not null, system.Cluster.UnavailableReason ?? "");
        await Kubectl.RunAsync("create", "namespace", ns);
        await using var op = this.op = system.StartOperator(ns);
        var (a, b, c) = (NewServerId(), NewServerId(), NewServerId());
        foreach (var id in new[] { a, b, c }) Wenium.AddServer(id);
        // Name order, as Argo CD applies one kind and as people write files: what is listed comes before what lists it.
        string Manifest(string state) => string.Join("\n---\n",
            Provider,
            Server("dep-a", a, state),
            Server("dep-b", b, state, "  startAfter: [dep-a]"),
            Server("dep-c", c, state, "  startAfter: [dep-b]"));

        await ApplyAsync(Manifest("Running"));
        await Kubectl.RunAsync("wait", "-n", ns, "--for=condition=Ready", "serverpowers", "--all", "--timeout=150s");

        // dep-a is declared Stopped first, while dep-b (which lists it) is still declared Running: it waits for it.
        await ApplyAsync(Manifest("Stopped"));
        foreach (var name in new[] { "dep-a", "dep-b", "dep-c" }) await WaitForAsync(name, ".status.powerState", "Stopped");
        Assert.True(Action(c, "stop").ReceivedAt < Action(b, "stop").ReceivedAt, "dep-b was stopped before dep-c, which lists it");
        Assert.True(Action(b, "stop").ReceivedAt < Action(a, "stop").ReceivedAt, "dep-a was stopped before dep-b, which lists it");
    }

    [Fact]
    public async Task A_cycle_in_startAfter_is_InvalidSpec_naming_it_and_nothing_is_sent()
    {
        Assert.SkipWhen(system.Cluster.UnavailableReason is not null, system.Cluster.UnavailableReason ?? "");
        await Kubectl.RunAsync("create", "namespace", ns);
        await using var op = system.StartOperator(ns);
        var (a, b) = (NewServerId(), NewServerId());
        Wenium.AddServer(a);
        Wenium.AddServer(b);
        await ApplyAsync(string.Join("\n---\n", Provider, Server("a", a, "Running", "  startAfter: [b]"), Server("b", b, "Running", "  startAfter: [a]")));
        await WaitForAsync("a", ".status.conditions[?(@.type==\"Synced\")].reason", "InvalidSpec");
        Assert.Equal("spec.startAfter forms a cycle: a → b → a", await JsonPathAsync("a", ".status.conditions[?(@.type==\"Synced\")].message"));
        Assert.Empty(Wenium.Requests.Matching("POST", $"/servers/{a}/action"));
        Assert.Empty(Wenium.Requests.Matching("POST", $"/servers/{b}/action"));
    }
}

[Collection("emulator")]
public sealed class EmulatorOrderAndProbeScenarios(EmulatorSystem system) : OrderAndProbeScenarios<EmulatorCluster>(system), IClassFixture<EmulatorSystem>;

/// <summary>The same scenarios against a real k3s; skipped, with the reason, where no Docker engine answers.</summary>
[Collection("k3s")]
public sealed class K3sOrderAndProbeScenarios(K3sSystem system) : OrderAndProbeScenarios<K3sCluster>(system), IClassFixture<K3sSystem>;
