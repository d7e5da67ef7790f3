using ServerPower.Api.Resources;
using ServerPower.Providers.Contract;
using ServerPower.Providers.Tests.Support;
using ServerPower.Sandbox.Providers;
using ServerPower.Sandbox.Providers.Core;
using ServerPower.Sandbox.Providers.Wenium;

namespace ServerPower.Providers.Tests;

/// <summary>Wenium over real HTTP against its simulator (as in "Power action (start/stop/reboot/rebuild)").</summary>
public sealed class WeniumContractTests : IAsyncLifetime
{
    private readonly ProviderHarness harness = new(options => options.CoalesceBatchReads = false);
    private WeniumSimulator simulator = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        simulator = await WeniumSimulator.StartAsync(new SimulatorOptions { LimitedToken = "limited-token", StartDelay = TimeSpan.Zero, StopDelay = TimeSpan.Zero });
        simulator.Servers.Add("42", SimPowerState.Running);
    }

    public async ValueTask DisposeAsync()
    {
        await simulator.DisposeAsync();
        harness.Dispose();
    }

    [Theory]
    [InlineData(ActionType.Start, "start")]
    [InlineData(ActionType.Stop, "stop")]
    [InlineData(ActionType.Restart, "reboot")]
    public async Task Actions_post_the_documented_body(ActionType action, string wire)
    {
        var outcome = await harness.For(simulator).SendAsync("42", action, null, Ct);

        Assert.Equal(OutcomeKind.Accepted, outcome.Kind);
        Assert.Equal($"Power action {wire} completed successfully.", outcome.Message);
        WireAssert.Single(simulator, "POST", "/api/servers/42/action", json: $$"""{"action":"{{wire}}"}""");
    }

    [Fact]
    public async Task Rebuild_sends_every_spec_field()
    {
        var rebuild = new RebuildRequest("ubuntu-22.04", "rebuilt", new SecretValue("root-pass-123"), [1, 2], 5);

        var outcome = await harness.For(simulator).SendAsync("42", ActionType.Rebuild, rebuild, Ct);

        Assert.Equal(OutcomeKind.Accepted, outcome.Kind);
        WireAssert.Single(simulator, "POST", "/api/servers/42/action", json: """
            {"action":"rebuild","os_id":"ubuntu-22.04","hostname":"rebuilt","password":"root-pass-123","ssh_keys":[1,2],"firewall_group_id":5}
            """);
        Assert.Equal(SimPowerState.Installing, simulator.Servers.StateOf("42"));
        Assert.True(harness.For(simulator).Capabilities.RebuildUsesSpec);
    }

    [Fact]
    public async Task Rebuild_with_only_os_id_sends_no_optional_fields()
    {
        await harness.For(simulator).SendAsync("42", ActionType.Rebuild, new RebuildRequest("debian-12", null, null, null, null), Ct);

        WireAssert.Single(simulator, "POST", "/api/servers/42/action", json: """{"action":"rebuild","os_id":"debian-12"}""");
    }

    [Fact]
    public async Task Rebuild_without_os_id_is_invalid_and_not_sent()
    {
        var outcome = await harness.For(simulator).SendAsync("42", ActionType.Rebuild, new RebuildRequest(null, "h", null, null, null), Ct);

        Assert.Equal(OutcomeKind.Invalid, outcome.Kind);
        Assert.Empty(simulator.Requests.Snapshot());
    }

    [Fact]
    public async Task Kill_is_unsupported_and_not_sent()
    {
        var provider = harness.For(simulator);

        var outcome = await provider.SendAsync("42", ActionType.Kill, null, Ct);

        Assert.Equal(OutcomeKind.Unsupported, outcome.Kind);
        Assert.False(provider.Capabilities.Supports(ActionType.Kill));
        Assert.Empty(simulator.Requests.Snapshot());
    }

    [Fact]
    public async Task Status_false_with_http_200_is_a_failure_with_weniums_message()
    {
        simulator.Servers.Force("42", SimPowerState.Running, suspended: true);

        var outcome = await harness.For(simulator).SendAsync("42", ActionType.Stop, null, Ct);

        Assert.Equal(OutcomeKind.Invalid, outcome.Kind);
        Assert.Equal("Server is suspended.", outcome.Message);
    }

    [Fact]
    public async Task Status_false_injected_on_the_wire_keeps_its_message()
    {
        simulator.Faults.Respond(200, body: """{"status":false,"message":"Invalid action."}""");

        var outcome = await harness.For(simulator).SendAsync("42", ActionType.Start, null, Ct);

        Assert.Equal(new ProviderOutcome(OutcomeKind.Invalid, "Invalid action."), outcome);
    }

    [Fact]
    public async Task Read_gets_the_server_and_maps_its_status()
    {
        var result = await harness.For(simulator).ReadAsync("42", Ct);

        Assert.Equal(new ObservedServer(PowerState.Running, "running"), result.Server);
        WireAssert.Single(simulator, "GET", "/api/servers/42");
    }

    [Theory]
    [InlineData("SHUTOFF", PowerState.Stopped)]
    [InlineData("Booting", PowerState.Starting)]
    [InlineData("powering_off", PowerState.Stopping)]
    [InlineData("reinstalling", PowerState.Busy)]
    [InlineData("suspended", PowerState.Suspended)]
    [InlineData("Active", PowerState.Running)]
    [InlineData("migrating", PowerState.Unknown)]
    public async Task Undocumented_statuses_map_tolerantly_and_keep_the_raw_value(string raw, PowerState expected)
    {
        simulator.Servers.Find("42")!.ReportedState = raw;

        var result = await harness.For(simulator).ReadAsync("42", Ct);

        Assert.Equal(new ObservedServer(expected, raw), result.Server);
    }

    [Fact]
    public async Task Read_of_an_unknown_server_is_not_found_with_the_message()
    {
        var result = await harness.For(simulator).ReadAsync("7", Ct);

        Assert.Equal(new ProviderOutcome(OutcomeKind.NotFound, "Server not found."), result.Outcome);
        Assert.Null(result.Server);
    }

    [Fact]
    public async Task A_non_integer_id_is_invalid_and_not_sent()
    {
        var outcome = await harness.For(simulator).SendAsync("../user", ActionType.Start, null, Ct);

        Assert.Equal(OutcomeKind.Invalid, outcome.Kind);
        Assert.Empty(simulator.Requests.Snapshot());
    }

    [Fact]
    public async Task Batch_read_lists_every_server_in_one_call()
    {
        simulator.Servers.Add("43", SimPowerState.Offline);

        var result = await harness.For(simulator).ReadAllAsync(Ct);

        Assert.True(result.Outcome.IsAccepted);
        Assert.Equal(PowerState.Running, result.Servers["42"].Power);
        Assert.Equal(new ObservedServer(PowerState.Stopped, "stopped"), result.Servers["43"]);
        WireAssert.Single(simulator, "GET", "/api/servers");
    }

    [Fact]
    public async Task Probe_gets_the_user()
    {
        var outcome = await harness.For(simulator).ProbeAsync(Ct);

        Assert.Equal(OutcomeKind.Accepted, outcome.Kind);
        WireAssert.Single(simulator, "GET", "/api/user");
    }

    [Fact]
    public async Task A_wrong_token_is_unauthorized_with_the_message()
    {
        var outcome = await harness.For(simulator, token: "wrong").ProbeAsync(Ct);

        Assert.Equal(new ProviderOutcome(OutcomeKind.Unauthorized, "Unauthenticated."), outcome);
    }

    [Fact]
    public async Task A_token_without_permission_is_forbidden()
    {
        var outcome = await harness.For(simulator, token: "limited-token").SendAsync("42", ActionType.Start, null, Ct);

        Assert.Equal(new ProviderOutcome(OutcomeKind.Forbidden, "This action is unauthorized."), outcome);
    }

    [Fact]
    public async Task Laravel_validation_errors_are_invalid_with_the_message()
    {
        simulator.Faults.Respond(422, body: """{"message":"The os id field is invalid.","errors":{"os_id":["invalid"]}}""");

        var outcome = await harness.For(simulator).SendAsync("42", ActionType.Rebuild, new RebuildRequest("nope", null, null, null, null), Ct);

        Assert.Equal(new ProviderOutcome(OutcomeKind.Invalid, "The os id field is invalid."), outcome);
    }
}
