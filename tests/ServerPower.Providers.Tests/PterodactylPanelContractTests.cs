using ServerPower.Api.Resources;
using ServerPower.Providers.Contract;
using ServerPower.Providers.Tests.Support;
using ServerPower.Sandbox.Providers;
using ServerPower.Sandbox.Providers.Core;
using ServerPower.Sandbox.Providers.PterodactylPanel;

namespace ServerPower.Providers.Tests;

/// <summary>Pterodactyl panel client API over real HTTP against its simulator (as in "Server Power Actions").</summary>
public sealed class PterodactylPanelContractTests : IAsyncLifetime
{
    private const string Server = "1a7ce997";

    private readonly ProviderHarness harness = new();
    private PterodactylPanelSimulator simulator = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        simulator = await PterodactylPanelSimulator.StartAsync(new SimulatorOptions { Token = "ptlc_simulated", LimitedToken = "ptlc_limited" });
        simulator.Servers.Add(Server, SimPowerState.Running);
    }

    public async ValueTask DisposeAsync()
    {
        await simulator.DisposeAsync();
        harness.Dispose();
    }

    [Theory]
    [InlineData(ActionType.Start, "start")]
    [InlineData(ActionType.Stop, "stop")]
    [InlineData(ActionType.Restart, "restart")]
    [InlineData(ActionType.Kill, "kill")]
    public async Task Actions_post_action_and_signal(ActionType action, string wire)
    {
        var outcome = await harness.For(simulator).SendAsync(Server, action, null, Ct);

        Assert.Equal(new ProviderOutcome(OutcomeKind.Accepted, $"Power action {wire} sent successfully"), outcome);
        WireAssert.Single(simulator, "POST", $"/api/client/servers/{Server}/power", json: $$"""{"action":"{{wire}}","signal":"{{wire}}"}""");
    }

    [Fact]
    public async Task Upstreams_204_is_accepted()
    {
        simulator.AnswerNoContent = true;

        var outcome = await harness.For(simulator).SendAsync(Server, ActionType.Stop, null, Ct);

        Assert.Equal(OutcomeKind.Accepted, outcome.Kind);
    }

    [Fact]
    public async Task Rebuild_is_a_reinstall_that_ignores_the_spec()
    {
        var provider = harness.For(simulator);

        var outcome = await provider.SendAsync(Server, ActionType.Rebuild, new RebuildRequest("ignored", "ignored", null, [1], 2), Ct);

        Assert.Equal(OutcomeKind.Accepted, outcome.Kind);
        Assert.False(provider.Capabilities.RebuildUsesSpec);
        WireAssert.Single(simulator, "POST", $"/api/client/servers/{Server}/settings/reinstall");
        Assert.Equal(SimPowerState.Installing, simulator.Servers.StateOf(Server));
    }

    [Theory]
    [InlineData(400, """{"status":400,"message":"Invalid power action. Must be one of: start, stop, restart, kill"}""", OutcomeKind.Invalid, "Invalid power action. Must be one of: start, stop, restart, kill")]
    [InlineData(403, """{"status":403,"message":"Wings authentication failed: Invalid token"}""", OutcomeKind.Forbidden, "Wings authentication failed: Invalid token")]
    [InlineData(404, "", OutcomeKind.NotFound, "HTTP 404")]
    [InlineData(422, """{"errors":[{"code":"ValidationException","status":"422","detail":"The selected signal is invalid."}]}""", OutcomeKind.Invalid, "The selected signal is invalid.")]
    [InlineData(500, """{"status":500,"message":"Failed to send power action to Wings: Unknown error"}""", OutcomeKind.Unavailable, "Failed to send power action to Wings: Unknown error")]
    [InlineData(503, """{"status":503,"message":"Wings daemon unavailable: Connection timeout"}""", OutcomeKind.Unavailable, "Wings daemon unavailable: Connection timeout")]
    [InlineData(504, """{"errors":[{"code":"DaemonConnectionException","status":"504","detail":"Could not establish a connection to the machine running this server."}]}""", OutcomeKind.Unavailable, "Could not establish a connection to the machine running this server.")]
    public async Task Documented_errors_map_with_the_panels_message(int status, string body, OutcomeKind kind, string message)
    {
        simulator.Faults.Respond(status, body: body);

        var outcome = await harness.For(simulator).SendAsync(Server, ActionType.Kill, null, Ct);

        Assert.Equal(new ProviderOutcome(kind, message), outcome);
        Assert.Single(simulator.Requests.Snapshot());
    }

    [Fact]
    public async Task An_unknown_server_is_not_found_with_upstreams_detail()
    {
        var outcome = await harness.For(simulator).SendAsync("deadbeef", ActionType.Start, null, Ct);

        Assert.Equal(new ProviderOutcome(OutcomeKind.NotFound, "The requested resource could not be found on the server."), outcome);
    }

    [Fact]
    public async Task A_key_without_power_permission_is_forbidden()
    {
        var outcome = await harness.For(simulator, token: "ptlc_limited").SendAsync(Server, ActionType.Start, null, Ct);

        Assert.Equal(new ProviderOutcome(OutcomeKind.Forbidden, "This action is unauthorized: missing server.power permission."), outcome);
    }

    [Fact]
    public async Task A_wrong_key_is_unauthorized()
    {
        var outcome = await harness.For(simulator, token: "ptlc_wrong").ProbeAsync(Ct);

        Assert.Equal(new ProviderOutcome(OutcomeKind.Unauthorized, "Unauthenticated."), outcome);
    }

    [Fact]
    public async Task A_409_on_a_suspended_server_is_explained_as_suspended()
    {
        simulator.Servers.Force(Server, SimPowerState.Offline, suspended: true);

        var outcome = await harness.For(simulator).SendAsync(Server, ActionType.Start, null, Ct);

        Assert.Equal(OutcomeKind.Suspended, outcome.Kind);
        Assert.Contains("currently suspended", outcome.Message, StringComparison.Ordinal);
        var requests = simulator.Requests.Snapshot();
        Assert.Equal(2, requests.Count);
        WireAssert.Request(requests[1], simulator, "GET", $"/api/client/servers/{Server}");
    }

    [Fact]
    public async Task A_409_on_an_installing_server_is_explained_as_busy()
    {
        simulator.Servers.Force(Server, SimPowerState.Installing);

        var outcome = await harness.For(simulator).SendAsync(Server, ActionType.Restart, null, Ct);

        Assert.Equal(OutcomeKind.Busy, outcome.Kind);
        Assert.EndsWith("(server status: installing)", outcome.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_uses_resources_current_state()
    {
        var result = await harness.For(simulator).ReadAsync(Server, Ct);

        Assert.Equal(new ObservedServer(PowerState.Running, "running"), result.Server);
        WireAssert.Single(simulator, "GET", $"/api/client/servers/{Server}/resources");
    }

    [Theory]
    [InlineData("offline", PowerState.Stopped)]
    [InlineData("stopped", PowerState.Stopped)]
    [InlineData("starting", PowerState.Starting)]
    [InlineData("stopping", PowerState.Stopping)]
    [InlineData("hibernating", PowerState.Unknown)]
    public async Task Read_maps_current_state(string raw, PowerState expected)
    {
        simulator.Servers.Find(Server)!.ReportedState = raw;

        var result = await harness.For(simulator).ReadAsync(Server, Ct);

        Assert.Equal(new ObservedServer(expected, raw), result.Server);
    }

    [Fact]
    public async Task Read_of_a_suspended_server_reports_suspended_through_the_409()
    {
        simulator.Servers.Force(Server, SimPowerState.Offline, suspended: true);

        var result = await harness.For(simulator).ReadAsync(Server, Ct);

        Assert.Equal(new ObservedServer(PowerState.Suspended, "suspended"), result.Server);
    }

    [Fact]
    public async Task Read_reports_is_suspended_when_the_panel_answers_resources()
    {
        simulator.Faults.Respond(200, path: "/resources", body: """
            {"object":"stats","attributes":{"current_state":"offline","is_suspended":true,"resources":{}}}
            """);

        var result = await harness.For(simulator).ReadAsync(Server, Ct);

        Assert.Equal(PowerState.Suspended, result.Server?.Power);
    }

    [Fact]
    public async Task Wings_unavailable_is_retried_for_start_then_unavailable()
    {
        simulator.WingsUnavailable = true;

        var outcome = await harness.For(simulator).SendAsync(Server, ActionType.Start, null, Ct);

        Assert.Equal(new ProviderOutcome(OutcomeKind.Unavailable, "Wings daemon unavailable: Connection timeout"), outcome);
        Assert.Equal(3, simulator.Requests.Matching("POST", "/power").Count);
    }

    [Fact]
    public async Task Probe_gets_the_account()
    {
        var outcome = await harness.For(simulator).ProbeAsync(Ct);

        Assert.Equal(OutcomeKind.Accepted, outcome.Kind);
        WireAssert.Single(simulator, "GET", "/api/client/account");
    }

    [Fact]
    public async Task Capabilities_have_every_action_and_no_batch_read()
    {
        var capabilities = harness.For(simulator).Capabilities;

        Assert.True(capabilities.CanReadState);
        Assert.False(capabilities.CanBatchRead);
        Assert.Equal(Enum.GetValues<ActionType>().ToHashSet(), capabilities.Actions.ToHashSet());
    }
}
