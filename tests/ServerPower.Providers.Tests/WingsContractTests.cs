using System.Net;
using System.Net.Http.Headers;
using System.Text;
using ServerPower.Api.Resources;
using ServerPower.Providers.Contract;
using ServerPower.Providers.Tests.Support;
using ServerPower.Sandbox.Providers;
using ServerPower.Sandbox.Providers.Core;
using ServerPower.Sandbox.Providers.Wings;

namespace ServerPower.Providers.Tests;

/// <summary>Pterodactyl Wings over real HTTP against its simulator (as in "Server Power Action").</summary>
public sealed class WingsContractTests : IAsyncLifetime
{
    private const string Uuid = "8d5e6a7c-1f2b-4c3d-9e8f-0a1b2c3d4e5f";

    private readonly ProviderHarness harness = new(options => options.CoalesceBatchReads = false);
    private WingsSimulator simulator = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        simulator = await WingsSimulator.StartAsync(new SimulatorOptions { StartDelay = TimeSpan.FromMilliseconds(200) });
        simulator.Servers.Add(Uuid, SimPowerState.Offline);
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
    public async Task Actions_post_action_and_wait_seconds(ActionType action, string wire)
    {
        var outcome = await harness.For(simulator).SendAsync(Uuid, action, null, Ct);

        Assert.Equal(OutcomeKind.Accepted, outcome.Kind);
        WireAssert.Single(simulator, "POST", $"/api/servers/{Uuid}/power", json: $$"""{"action":"{{wire}}","wait_seconds":30}""");
    }

    [Fact]
    public async Task Start_is_accepted_with_202_and_applied_later()
    {
        var provider = harness.For(simulator);

        var outcome = await provider.SendAsync(Uuid, ActionType.Start, null, Ct);

        Assert.Equal(OutcomeKind.Accepted, outcome.Kind);
        await Eventually.TrueAsync(
            async () => (await provider.ReadAsync(Uuid, Ct)).Server?.Power == PowerState.Running, "server running");
    }

    [Fact]
    public async Task Rebuild_is_a_reinstall_without_a_body()
    {
        var outcome = await harness.For(simulator).SendAsync(Uuid, ActionType.Rebuild, new RebuildRequest("x", null, null, null, null), Ct);

        Assert.Equal(OutcomeKind.Accepted, outcome.Kind);
        WireAssert.Single(simulator, "POST", $"/api/servers/{Uuid}/reinstall");
    }

    [Fact]
    public async Task Starting_a_suspended_server_is_suspended_with_wings_message()
    {
        simulator.Servers.Force(Uuid, SimPowerState.Offline, suspended: true);

        var outcome = await harness.For(simulator).SendAsync(Uuid, ActionType.Start, null, Ct);

        Assert.Equal(new ProviderOutcome(OutcomeKind.Suspended, "Cannot start or restart a server that is suspended."), outcome);
    }

    [Fact]
    public async Task An_unknown_server_is_not_found()
    {
        var outcome = await harness.For(simulator).SendAsync("00000000-0000-0000-0000-000000000000", ActionType.Kill, null, Ct);

        Assert.Equal(new ProviderOutcome(OutcomeKind.NotFound, "The requested resource does not exist on this instance."), outcome);
    }

    [Fact]
    public async Task A_wrong_token_gets_403_which_is_unauthorized()
    {
        var outcome = await harness.For(simulator, token: "wrong").ProbeAsync(Ct);

        Assert.Equal(new ProviderOutcome(OutcomeKind.Unauthorized, "You are not authorized to access this endpoint."), outcome);
    }

    [Fact]
    public async Task A_401_is_unauthorized()
    {
        simulator.Faults.Respond(401, body: """{"error":"The required authorization heads were not present in the request."}""");

        var outcome = await harness.For(simulator).SendAsync(Uuid, ActionType.Kill, null, Ct);

        Assert.Equal(new ProviderOutcome(OutcomeKind.Unauthorized, "The required authorization heads were not present in the request."), outcome);
    }

    [Fact]
    public async Task A_422_is_invalid()
    {
        simulator.Faults.Respond(422, body: """{"error":"The power action provided was not valid.","request_id":"r1"}""");

        var outcome = await harness.For(simulator).SendAsync(Uuid, ActionType.Kill, null, Ct);

        Assert.Equal(new ProviderOutcome(OutcomeKind.Invalid, "The power action provided was not valid."), outcome);
    }

    [Fact]
    public async Task A_reinstall_while_busy_is_busy()
    {
        simulator.Faults.Respond(409, body: """{"error":"Another power action is currently being executed for this server, please try again later."}""");

        var outcome = await harness.For(simulator).SendAsync(Uuid, ActionType.Rebuild, null, Ct);

        Assert.Equal(OutcomeKind.Busy, outcome.Kind);
    }

    [Theory]
    [InlineData(SimPowerState.Offline, false, PowerState.Stopped, "offline")]
    [InlineData(SimPowerState.Running, false, PowerState.Running, "running")]
    [InlineData(SimPowerState.Starting, false, PowerState.Starting, "starting")]
    [InlineData(SimPowerState.Stopping, false, PowerState.Stopping, "stopping")]
    [InlineData(SimPowerState.Offline, true, PowerState.Suspended, "offline")]
    public async Task Read_maps_state_and_is_suspended(SimPowerState state, bool suspended, PowerState expected, string raw)
    {
        simulator.Servers.Force(Uuid, state, suspended);

        var result = await harness.For(simulator).ReadAsync(Uuid, Ct);

        Assert.Equal(new ObservedServer(expected, raw), result.Server);
        WireAssert.Single(simulator, "GET", $"/api/servers/{Uuid}");
    }

    [Fact]
    public async Task Batch_read_lists_the_node_keyed_by_uuid()
    {
        simulator.Servers.Add("second", SimPowerState.Running);

        var result = await harness.For(simulator).ReadAllAsync(Ct);

        Assert.Equal(PowerState.Stopped, result.Servers[Uuid].Power);
        Assert.Equal(PowerState.Running, result.Servers["second"].Power);
        WireAssert.Single(simulator, "GET", "/api/servers");
    }

    [Fact]
    public async Task Probe_gets_the_system()
    {
        var outcome = await harness.For(simulator).ProbeAsync(Ct);

        Assert.Equal(new ProviderOutcome(OutcomeKind.Accepted, "Wings 1.11.13"), outcome);
        WireAssert.Single(simulator, "GET", "/api/system");
    }

    [Fact]
    public async Task Simulator_drops_an_action_that_finds_the_lock_taken_with_wait_seconds_zero()
    {
        var fake = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        await using var wings = await WingsSimulator.StartAsync(new SimulatorOptions { TimeProvider = fake, ActionApplyDelay = TimeSpan.Zero }, Ct);
        wings.Servers.Add(Uuid, SimPowerState.Offline);
        using var http = new HttpClient { BaseAddress = wings.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", wings.Token);

        Assert.Equal(HttpStatusCode.Accepted, (await Power(http, """{"action":"start","wait_seconds":0}""")).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await Power(http, """{"action":"stop"}""")).StatusCode);
        fake.Advance(TimeSpan.FromMinutes(1));

        Assert.Equal(SimPowerState.Running, wings.Servers.StateOf(Uuid));
        Assert.Equal(1, wings.DroppedActions);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await Power(http, """{"action":"explode"}""")).StatusCode);
    }

    [Fact]
    public async Task Simulator_queues_an_action_within_wait_seconds()
    {
        var fake = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        await using var wings = await WingsSimulator.StartAsync(new SimulatorOptions { TimeProvider = fake, ActionApplyDelay = TimeSpan.Zero }, Ct);
        wings.Servers.Add(Uuid, SimPowerState.Offline);
        using var http = new HttpClient { BaseAddress = wings.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", wings.Token);

        await Power(http, """{"action":"start","wait_seconds":30}""");
        await Power(http, """{"action":"stop","wait_seconds":30}""");
        Assert.Equal(SimPowerState.Starting, wings.Servers.StateOf(Uuid));
        fake.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(SimPowerState.Stopping, wings.Servers.StateOf(Uuid));
        fake.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(SimPowerState.Offline, wings.Servers.StateOf(Uuid));
        Assert.Equal(0, wings.DroppedActions);
    }

    private static Task<HttpResponseMessage> Power(HttpClient http, string json) =>
        http.PostAsync($"api/servers/{Uuid}/power", new StringContent(json, Encoding.UTF8, "application/json"), Ct);
}
