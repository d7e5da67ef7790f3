using System.Net;
using System.Net.Http.Headers;
using ServerPower.Api.Resources;
using ServerPower.Providers.Contract;
using ServerPower.Providers.Tests.Support;
using ServerPower.Sandbox.Providers;
using ServerPower.Sandbox.Providers.Core;
using ServerPower.Sandbox.Providers.Heo;

namespace ServerPower.Providers.Tests;

/// <summary>HEO Systems VPS over real HTTP against its simulator (as in "VPS custom power control endpoints").</summary>
public sealed class HeoContractTests : IAsyncLifetime
{
    private const string Vps = "vps_123";

    private readonly ProviderHarness harness = new();
    private HeoSimulator simulator = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        simulator = await HeoSimulator.StartAsync(new SimulatorOptions { LimitedToken = "other-customer" });
        simulator.Servers.Add(Vps, SimPowerState.Running);
    }

    public async ValueTask DisposeAsync()
    {
        await simulator.DisposeAsync();
        harness.Dispose();
    }

    [Theory]
    [InlineData(ActionType.Start, "start", "", "Start action sent")]
    [InlineData(ActionType.Stop, "stop", "", "Stop action sent")]
    [InlineData(ActionType.Restart, "reset", "?force=true", "Reset action sent")]
    public async Task Actions_post_to_their_paths_without_a_body(ActionType action, string wire, string query, string message)
    {
        var outcome = await harness.For(simulator).SendAsync(Vps, action, null, Ct);

        Assert.Equal(new ProviderOutcome(OutcomeKind.Accepted, message), outcome);
        WireAssert.Single(simulator, "POST", $"/v1/hosting/cloud/vps-custom/{Vps}/{wire}", query);
    }

    [Theory]
    [InlineData(ActionType.Kill)]
    [InlineData(ActionType.Rebuild)]
    public async Task Kill_and_rebuild_are_unsupported_and_not_sent(ActionType action)
    {
        var outcome = await harness.For(simulator).SendAsync(Vps, action, null, Ct);

        Assert.Equal(OutcomeKind.Unsupported, outcome.Kind);
        Assert.Empty(simulator.Requests.Snapshot());
    }

    [Fact]
    public async Task Heo_is_state_blind_and_reads_send_nothing()
    {
        var provider = harness.For(simulator);

        var read = await provider.ReadAsync(Vps, Ct);
        var all = await provider.ReadAllAsync(Ct);

        Assert.False(provider.Capabilities.CanReadState);
        Assert.Equal(OutcomeKind.Unsupported, read.Outcome.Kind);
        Assert.Equal(OutcomeKind.Unsupported, all.Outcome.Kind);
        Assert.Empty(simulator.Requests.Snapshot());
    }

    [Fact]
    public async Task An_unknown_vps_is_forbidden_with_heos_error_and_message()
    {
        var outcome = await harness.For(simulator).SendAsync("vps_999", ActionType.Start, null, Ct);

        Assert.Equal(new ProviderOutcome(OutcomeKind.Forbidden, "unauthorized: You do not have access to this VPS"), outcome);
    }

    [Fact]
    public async Task A_wrong_key_is_unauthorized()
    {
        var outcome = await harness.For(simulator, token: "heo_revoked_key_0001").SendAsync(Vps, ActionType.Stop, null, Ct);

        Assert.Equal(new ProviderOutcome(OutcomeKind.Unauthorized, "unauthorized: Missing, invalid, or revoked API key"), outcome);
    }

    [Theory]
    [InlineData(400, """{"success":false,"error":"confirmation_required","message":"Reset requires force=true"}""", OutcomeKind.Invalid, "confirmation_required: Reset requires force=true")]
    [InlineData(404, """{"success":false,"error":"not_found","message":"Endpoint not found"}""", OutcomeKind.NotFound, "not_found: Endpoint not found")]
    [InlineData(405, """{"success":false,"error":"method_not_allowed","message":"Method not allowed"}""", OutcomeKind.Invalid, "method_not_allowed: Method not allowed")]
    [InlineData(502, """{"success":false,"error":"provider_error","message":"Failed to send action"}""", OutcomeKind.Unavailable, "provider_error: Failed to send action")]
    public async Task Documented_errors_map_with_heos_message(int status, string body, OutcomeKind kind, string message)
    {
        simulator.Faults.Respond(status, body: body);

        var outcome = await harness.For(simulator).SendAsync(Vps, ActionType.Restart, null, Ct);

        Assert.Equal(new ProviderOutcome(kind, message), outcome);
        Assert.Single(simulator.Requests.Snapshot());
    }

    [Fact]
    public async Task A_502_is_retried_for_start()
    {
        simulator.Faults.Respond(502, body: """{"success":false,"error":"provider_error","message":"Failed to send action"}""");

        var outcome = await harness.For(simulator).SendAsync(Vps, ActionType.Start, null, Ct);

        Assert.Equal(OutcomeKind.Accepted, outcome.Kind);
        Assert.Equal(2, simulator.Requests.Snapshot().Count);
    }

    [Fact]
    public async Task A_reset_is_sent_once_even_when_heo_fails()
    {
        simulator.ProviderFailing = true;

        var outcome = await harness.For(simulator).SendAsync(Vps, ActionType.Restart, null, Ct);

        Assert.Equal(new ProviderOutcome(OutcomeKind.Unavailable, "provider_error: Failed to send action"), outcome);
        Assert.Single(simulator.Requests.Snapshot());
    }

    [Fact]
    public async Task A_429_without_retry_after_backs_off_and_retries_start()
    {
        simulator.Faults.Respond(429, body: """{"success":false,"message":"Too many requests"}""");

        var outcome = await harness.For(simulator).SendAsync(Vps, ActionType.Start, null, Ct);

        Assert.Equal(OutcomeKind.Accepted, outcome.Kind);
        Assert.Equal(2, simulator.Requests.Snapshot().Count);
    }

    [Fact]
    public async Task Probe_reads_the_public_status_without_credentials()
    {
        var outcome = await harness.For(simulator).ProbeAsync(Ct);

        Assert.Equal(OutcomeKind.Accepted, outcome.Kind);
        WireAssert.Single(simulator, "GET", "/v1/status", authenticated: false);
    }

    [Theory]
    [InlineData("maintenance")]
    [InlineData("disrupted")]
    public async Task Probe_of_a_service_not_up_is_unavailable_with_the_status(string status)
    {
        simulator.ServiceStatus = status;

        var outcome = await harness.For(simulator).ProbeAsync(Ct);

        Assert.Equal(OutcomeKind.Unavailable, outcome.Kind);
        Assert.Contains(status, outcome.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Simulator_requires_force_for_reset_and_answers_405_and_404()
    {
        using var http = new HttpClient { BaseAddress = simulator.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", simulator.Token);

        var unforced = await http.PostAsync($"v1/hosting/cloud/vps-custom/{Vps}/reset", null, Ct);
        var forcedByBody = await http.PostAsync(
            $"v1/hosting/cloud/vps-custom/{Vps}/reset", new StringContent("""{"force":true}""", System.Text.Encoding.UTF8, "application/json"), Ct);
        var wrongMethod = await http.GetAsync($"v1/hosting/cloud/vps-custom/{Vps}/start", Ct);
        var unknown = await http.GetAsync("v1/nothing", Ct);

        Assert.Equal(HttpStatusCode.BadRequest, unforced.StatusCode);
        Assert.Contains("confirmation_required", await unforced.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, forcedByBody.StatusCode);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, wrongMethod.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }
}
