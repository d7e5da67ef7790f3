using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Time.Testing;
using ServerPower.Api.Resources;
using ServerPower.Sandbox.Providers;
using ServerPower.Sandbox.Providers.Core;

namespace ServerPower.Providers.Tests;

/// <summary>The simulators' scripted faults the reliability suite uses: windows, answer-then-drop, and the action log.</summary>
public sealed class SimulatorFaultScriptTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_fault_for_a_while_strikes_every_call_until_its_deadline_on_the_simulator_clock()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var simulator = await ProviderSimulators.StartAsync(ProviderType.Wenium, new SimulatorOptions { TimeProvider = time }, Ct);
        using var http = Client(simulator);
        simulator.Faults.AddFor(new FaultRule { StatusCode = 503 }, TimeSpan.FromSeconds(5));

        for (var i = 0; i < 3; i++)
            Assert.Equal(HttpStatusCode.ServiceUnavailable, (await http.GetAsync("user", Ct)).StatusCode);
        time.Advance(TimeSpan.FromSeconds(5));

        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("user", Ct)).StatusCode);
        Assert.Equal(0, simulator.Faults.Pending);
    }

    [Fact]
    public async Task Answer_then_drop_carries_the_action_out_and_sends_no_answer()
    {
        await using var simulator = await ProviderSimulators.StartAsync(ProviderType.Wenium, cancellationToken: Ct);
        simulator.AddServer("7", SimPowerState.Running);
        using var http = Client(simulator);
        simulator.Faults.DropAfterAnswer(method: "POST");

        await Assert.ThrowsAsync<HttpRequestException>(() => http.PostAsync("servers/7/action", Json("""{"action":"stop"}"""), Ct));

        Assert.Equal(SimPowerState.Stopping, simulator.Servers.StateOf("7"));
    }

    [Fact]
    public async Task The_action_log_counts_requests_per_server_and_action_faulted_ones_included()
    {
        await using var simulator = await ProviderSimulators.StartAsync(ProviderType.Wenium, cancellationToken: Ct);
        simulator.AddServer("7", SimPowerState.Running);
        simulator.AddServer("8", SimPowerState.Running);
        using var http = Client(simulator);
        simulator.Faults.Respond(503, method: "POST");

        await http.PostAsync("servers/7/action", Json("""{"action":"reboot"}"""), Ct);
        await http.PostAsync("servers/7/action", Json("""{"action":"reboot"}"""), Ct);
        await http.PostAsync("servers/8/action", Json("""{"action":"stop"}"""), Ct);
        await http.GetAsync("servers/8", Ct);

        Assert.Equal(2, simulator.Actions.Count("7", "reboot"));
        Assert.Equal(1, simulator.Actions.Count("8", "stop"));
        Assert.Equal(2, simulator.Actions.CountDestructive());
        Assert.Equal(3, simulator.Actions.Count());
    }

    private static HttpClient Client(IProviderSimulator simulator)
    {
        var http = new HttpClient { BaseAddress = simulator.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", simulator.Token);
        return http;
    }

    private static StringContent Json(string body) => new(body, System.Text.Encoding.UTF8, "application/json");
}
