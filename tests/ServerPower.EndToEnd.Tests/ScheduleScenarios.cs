using System.Globalization;
using ServerPower.Api.Resources;
using ServerPower.EndToEnd.Tests.Infrastructure;
using ServerPower.Sandbox.Providers;
using ServerPower.Sandbox.Providers.Core;

namespace ServerPower.EndToEnd.Tests;

/// <summary>
/// PowerSchedules and the override annotation end to end: the operator as a separate process under the chart's RBAC,
/// the real kubectl, the Wenium simulator, real time. Windows are whole minutes, so the window scenario waits for
/// minute boundaries (about 2 to 3 minutes); it asserts only observed states, never timings.
/// </summary>
public abstract class ScheduleScenarios<TCluster>(SystemFixture<TCluster> system) where TCluster : ITestCluster, new()
{
    private readonly string ns = $"e2e-{Guid.NewGuid().ToString("N")[..8]}";
    private Kubectl Kubectl => system.Kubectl;
    private IProviderSimulator Wenium => system.Simulators[ProviderType.Wenium];

    private async Task<OperatorProcess> StartAsync()
    {
        Assert.SkipWhen(system.Cluster.UnavailableReason is not null, system.Cluster.UnavailableReason ?? "");
        await Kubectl.RunAsync("create", "namespace", ns);
        return system.StartOperator(ns);
    }

    private string Provider => ProviderManifest.For(Wenium);

    private static string ScheduledServer(string name, string serverId) => $$"""
        apiVersion: power.serverops.io/v1alpha1
        kind: ServerPower
        metadata: {name: {{name}}}
        spec:
          providerRef: {name: wenium}
          serverId: "{{serverId}}"
          state: Scheduled
          scheduleRef: {name: tea-time}
        """;

    private static string Schedule(string zone, string from, string to) => $$"""
        apiVersion: power.serverops.io/v1alpha1
        kind: PowerSchedule
        metadata: {name: tea-time}
        spec:
          timeZone: {{zone}}
          running:
            - {from: "{{from}}", to: "{{to}}"}
        """;

    private async Task ApplyAsync(string manifest)
    {
        var file = Path.Combine(Path.GetTempPath(), $"e2e-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(file, manifest);
        await Kubectl.RunAsync("apply", "-n", ns, "-f", file);
    }

    /// <summary><paramref name="template"/>: a kubectl jsonpath template, e.g. <c>{.status.state} {.status.nextTransition}</c>.</summary>
    private Task<string> JsonPathAsync(string resource, string template) =>
        Kubectl.RunAsync("get", resource, "-n", ns, "-o", $"jsonpath={template}");

    /// <summary>Waits until the server's effective and reported states are both <paramref name="state"/>.</summary>
    private Task<string> WaitForStateAsync(string name, string state, TimeSpan deadline) =>
        Eventually.WaitAsync(() => JsonPathAsync($"serverpower/{name}", "{.status.desiredState}/{.status.powerState}"),
            v => v == $"{state}/{state}", $"{name} desired and power state {state}", deadline);

    private int Actions(string serverId, string action) =>
        Wenium.Requests.Matching("POST", $"/servers/{serverId}/action").Count(r => r.Body?.Contains($"\"{action}\"", StringComparison.Ordinal) == true);

    private static string NewServerId() => Random.Shared.Next(100_000, 999_999).ToString(CultureInfo.InvariantCulture);

    [Fact]
    public async Task A_window_opens_and_closes_within_the_test_and_the_server_follows_it()
    {
        await using var op = await StartAsync();
        var id = NewServerId();
        Wenium.AddServer(id, SimPowerState.Offline);
        // A one-minute window starting at the first whole minute at least 30 s away, in Asia/Kolkata (UTC+05:30, no
        // daylight saving), so the set-up is done before it opens.
        var kolkata = TimeSpan.FromMinutes(330);
        var now = DateTimeOffset.UtcNow.ToOffset(kolkata);
        var opens = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, 0, kolkata).AddMinutes(now.Second >= 30 ? 2 : 1);
        var closes = opens.AddMinutes(1);
        await ApplyAsync(Provider + "\n---\n" + Schedule("Asia/Kolkata", opens.ToString("HH:mm", CultureInfo.InvariantCulture),
            closes.ToString("HH:mm", CultureInfo.InvariantCulture)) + "\n---\n" + ScheduledServer("tea", id));

        await WaitForStateAsync("tea", "Running", TimeSpan.FromMinutes(2) + Eventually.DefaultDeadline);
        await WaitForStateAsync("tea", "Stopped", TimeSpan.FromMinutes(1) + Eventually.DefaultDeadline);

        Assert.Equal(1, Actions(id, "start"));
        Assert.Equal(1, Actions(id, "stop"));
        Assert.Equal(SimPowerState.Offline, Wenium.Servers.StateOf(id));
        var table = await Eventually.WaitAsync(() => Kubectl.RunAsync("get", "psch", "-n", ns),
            t => System.Text.RegularExpressions.Regex.IsMatch(t, @"tea-time\s+Asia/Kolkata\s+Stopped\s+\d{4}-"), "the schedule's columns after the window");
        Assert.Matches(@"NAME\s+TIMEZONE\s+STATE\s+NEXT\s+AGE", table);
        var reasons = await Kubectl.RunAsync("get", "events", "-n", ns, "-o", "jsonpath={.items[*].reason}");
        Assert.Contains("Transition", reasons);
    }

    [Fact]
    public async Task An_override_stops_a_running_server_until_it_is_removed()
    {
        await using var op = await StartAsync();
        var id = NewServerId();
        Wenium.AddServer(id, SimPowerState.Running);
        await ApplyAsync(Provider + "\n---\n" + $$"""
            apiVersion: power.serverops.io/v1alpha1
            kind: ServerPower
            metadata: {name: web}
            spec:
              providerRef: {name: wenium}
              serverId: "{{id}}"
              state: Running
            """);
        await WaitForStateAsync("web", "Running", Eventually.DefaultDeadline);

        await Kubectl.RunAsync("annotate", "serverpower", "web", "-n", ns, "power.serverops.io/override=Stopped until 2099-01-01T00:00:00Z");
        await WaitForStateAsync("web", "Stopped", Eventually.DefaultDeadline);
        Assert.Equal("Stopped 2099-01-01T00:00:00Z true", await JsonPathAsync("serverpower/web", "{.status.override.state} {.status.override.until} {.status.override.active}"));
        Assert.Contains("(override Stopped until 2099-01-01T00:00:00Z in force)",
            await JsonPathAsync("serverpower/web", "{.status.conditions[?(@.type==\"Ready\")].message}"));

        await Kubectl.RunAsync("annotate", "serverpower", "web", "-n", ns, "power.serverops.io/override-");
        await WaitForStateAsync("web", "Running", Eventually.DefaultDeadline);

        Assert.Equal(1, Actions(id, "stop"));
        Assert.Equal(1, Actions(id, "start"));
        var reasons = await Kubectl.RunAsync("get", "events", "-n", ns, "-o", "jsonpath={.items[*].reason}");
        Assert.Contains("OverrideStarted", reasons);
        Assert.Contains("OverrideEnded", reasons);
    }
}

[Collection("emulator")]
public sealed class EmulatorScheduleScenarios(EmulatorSystem system) : ScheduleScenarios<EmulatorCluster>(system), IClassFixture<EmulatorSystem>;
