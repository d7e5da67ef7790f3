using ServerPower.Api.Resources;
using ServerPower.Providers.Contract;
using ServerPower.Providers.Tests.Support;
using ServerPower.Sandbox.Providers;
using ServerPower.Sandbox.Providers.Core;
using ServerPower.Sandbox.Providers.Heo;
using ServerPower.Sandbox.Providers.PterodactylPanel;
using ServerPower.Sandbox.Providers.Wenium;
using ServerPower.Sandbox.Providers.Wings;

namespace ServerPower.Providers.Tests;

/// <summary>
/// Console commands (spec.stop.warning) over real HTTP against the simulators: the Pterodactyl panel's "send command"
/// and Wings' "send command" as documented, sent at most once, every failure an outcome; Wenium and HEO have no console
/// and send nothing.
/// </summary>
public sealed class ConsoleCommandContractTests : IDisposable
{
    private const string PanelServer = "1a7ce997";
    private const string WingsServer = "8d5e6a7c-1f2b-4c3d-9e8f-0a1b2c3d4e5f";
    private const string Say = "say Server stops in 5 minutes";

    private readonly ProviderHarness harness = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => harness.Dispose();

    [Fact]
    public async Task The_panel_posts_the_command_and_its_204_is_accepted()
    {
        await using var panel = await Panel(SimPowerState.Running);

        var outcome = await harness.For(panel).SendCommandAsync(PanelServer, Say, Ct);

        Assert.Equal(ProviderOutcome.Accepted("command sent"), outcome);
        WireAssert.Single(panel, "POST", $"/api/client/servers/{PanelServer}/command", json: $$"""{"command":"{{Say}}"}""");
        Assert.Equal([Say], panel.Commands.For(PanelServer));
        Assert.Equal(0, panel.Actions.Count());
    }

    [Fact]
    public async Task Wings_posts_the_command_list_and_its_204_is_accepted()
    {
        await using var wings = await Wings(SimPowerState.Running);

        var outcome = await harness.For(wings).SendCommandAsync(WingsServer, Say, Ct);

        Assert.Equal(ProviderOutcome.Accepted("command sent"), outcome);
        WireAssert.Single(wings, "POST", $"/api/servers/{WingsServer}/commands", json: $$"""{"commands":["{{Say}}"]}""");
        Assert.Equal([Say], wings.Commands.For(WingsServer));
        Assert.Equal(0, wings.Actions.Count());
    }

    [Fact]
    public async Task A_stopped_server_is_a_failed_outcome_with_the_panels_words()
    {
        await using var panel = await Panel(SimPowerState.Offline);

        var outcome = await harness.For(panel).SendCommandAsync(PanelServer, Say, Ct);

        Assert.Equal(new ProviderOutcome(OutcomeKind.Unavailable, "Server must be online in order to send commands."), outcome);
        Assert.Single(panel.Requests.Snapshot());
        Assert.Empty(panel.Commands.Snapshot());
    }

    [Fact]
    public async Task A_stopped_server_is_a_failed_outcome_with_wings_words()
    {
        await using var wings = await Wings(SimPowerState.Offline);

        var outcome = await harness.For(wings).SendCommandAsync(WingsServer, Say, Ct);

        Assert.Equal(new ProviderOutcome(OutcomeKind.Unavailable, "Cannot send commands to a stopped server instance."), outcome);
        Assert.Single(wings.Requests.Snapshot());
        Assert.Empty(wings.Commands.Snapshot());
    }

    [Fact]
    public async Task A_suspended_panel_server_answers_409_and_the_outcome_is_busy()
    {
        await using var panel = await Panel(SimPowerState.Running);
        panel.Servers.Find(PanelServer)!.Suspended = true;

        var outcome = await harness.For(panel).SendCommandAsync(PanelServer, Say, Ct);

        Assert.Equal(OutcomeKind.Busy, outcome.Kind);
        Assert.Contains("suspended", outcome.Message, StringComparison.Ordinal);
        Assert.Empty(panel.Commands.Snapshot());
    }

    [Theory]
    [InlineData(409, """{"error":"Another power action is currently being executed for this server, please try again later."}""", OutcomeKind.Busy)]
    [InlineData(500, """{"error":"boom"}""", OutcomeKind.Unavailable)]
    [InlineData(502, """{"error":"Cannot send commands to a stopped server instance."}""", OutcomeKind.Unavailable)]
    [InlineData(503, """{"error":"node overloaded"}""", OutcomeKind.Unavailable)]
    public async Task An_error_answer_is_sent_once_and_never_retried(int status, string body, OutcomeKind kind)
    {
        await using var wings = await Wings(SimPowerState.Running);
        wings.Faults.Respond(status, count: 5, body: body);

        var outcome = await harness.For(wings).SendCommandAsync(WingsServer, Say, Ct);

        Assert.Equal(kind, outcome.Kind);
        Assert.False(outcome.IsAccepted);
        Assert.Single(wings.Requests.Snapshot());
        Assert.Empty(wings.Commands.Snapshot());
    }

    [Fact]
    public async Task A_dropped_connection_is_sent_once_and_may_have_reached_the_console()
    {
        await using var panel = await Panel(SimPowerState.Running);
        panel.Faults.DropAfterAnswer();

        var outcome = await harness.For(panel).SendCommandAsync(PanelServer, Say, Ct);

        Assert.Equal(OutcomeKind.Unavailable, outcome.Kind);
        Assert.True(outcome.MayHaveReachedProvider);
        Assert.Single(panel.Requests.Snapshot());
        Assert.Equal([Say], panel.Commands.For(PanelServer));
    }

    [Fact]
    public async Task A_success_other_than_204_is_an_unreadable_answer()
    {
        await using var panel = await Panel(SimPowerState.Running);
        panel.Faults.Respond(200, body: """{"data":{"success":true}}""");

        var outcome = await harness.For(panel).SendCommandAsync(PanelServer, Say, Ct);

        Assert.Equal(OutcomeKind.Unavailable, outcome.Kind);
        Assert.True(outcome.MayHaveReachedProvider);
        Assert.Contains("not 204 No Content", outcome.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_token_never_appears_in_the_outcome()
    {
        await using var panel = await Panel(SimPowerState.Running);
        panel.Faults.Respond(500, body: $$"""{"status":500,"message":"rejected Bearer {{panel.Token}}"}""");

        var outcome = await harness.For(panel).SendCommandAsync(PanelServer, Say, Ct);

        Assert.Equal(OutcomeKind.Unavailable, outcome.Kind);
        Assert.DoesNotContain(panel.Token, outcome.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(panel.Token, string.Join("\n", harness.Logs.Lines), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("say a\nstop")]
    [InlineData("say a\rstop")]
    public async Task A_command_that_is_not_one_line_is_refused_before_sending(string command)
    {
        await using var wings = await Wings(SimPowerState.Running);

        var outcome = await harness.For(wings).SendCommandAsync(WingsServer, command, Ct);

        Assert.Equal(OutcomeKind.Invalid, outcome.Kind);
        Assert.True(outcome.NotSent);
        Assert.Empty(wings.Requests.Snapshot());
    }

    [Fact]
    public async Task A_command_longer_than_the_bound_is_refused_before_sending()
    {
        await using var panel = await Panel(SimPowerState.Running);
        var provider = harness.For(panel);

        var refused = await provider.SendCommandAsync(PanelServer, new string('a', ConsoleCommands.MaxLength + 1), Ct);
        var sent = await provider.SendCommandAsync(PanelServer, new string('a', ConsoleCommands.MaxLength), Ct);

        Assert.Equal((OutcomeKind.Invalid, true), (refused.Kind, refused.NotSent));
        Assert.True(sent.IsAccepted);
        Assert.Single(panel.Requests.Snapshot());
    }

    [Fact]
    public async Task Providers_without_a_console_send_nothing()
    {
        await using var wenium = await WeniumSimulator.StartAsync(cancellationToken: Ct);
        await using var heo = await HeoSimulator.StartAsync(cancellationToken: Ct);
        wenium.Servers.Add("42", SimPowerState.Running);
        heo.Servers.Add("vps_123", SimPowerState.Running);

        foreach (var (simulator, server) in new (IProviderSimulator, string)[] { (wenium, "42"), (heo, "vps_123") })
        {
            var provider = harness.For(simulator);
            var outcome = await provider.SendCommandAsync(server, Say, Ct);

            Assert.False(provider.Capabilities.HasConsole);
            Assert.Equal(ProviderOutcome.Unsupported($"{simulator.Type} has no console; the command was not sent"), outcome);
            Assert.Empty(simulator.Requests.Snapshot());
        }
    }

    [Fact]
    public async Task The_panel_and_wings_have_a_console()
    {
        await using var panel = await Panel(SimPowerState.Running);
        await using var wings = await Wings(SimPowerState.Running);

        Assert.True(harness.For(panel).Capabilities.HasConsole);
        Assert.True(harness.For(wings).Capabilities.HasConsole);
    }

    private static async Task<PterodactylPanelSimulator> Panel(SimPowerState state)
    {
        var panel = await PterodactylPanelSimulator.StartAsync(new SimulatorOptions { Token = "ptlc_simulated" }, Ct);
        panel.Servers.Add(PanelServer, state);
        return panel;
    }

    private static async Task<WingsSimulator> Wings(SimPowerState state)
    {
        var wings = await WingsSimulator.StartAsync(cancellationToken: Ct);
        wings.Servers.Add(WingsServer, state);
        return wings;
    }
}
