using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using ServerPower.Api.Resources;
using ServerPower.Sandbox.Providers;
using ServerPower.Sandbox.Providers.Core;

namespace ServerPower.Providers.Tests;

/// <summary>The shared simulator core: state machine on a TimeProvider, faults, scale.</summary>
public sealed class SimulatorTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void Start_stop_restart_and_reinstall_follow_the_transition_delays()
    {
        var time = new FakeTimeProvider();
        var store = new ServerStore(new SimulatorOptions
        {
            TimeProvider = time,
            StartDelay = TimeSpan.FromSeconds(5),
            StopDelay = TimeSpan.FromSeconds(3),
            InstallDelay = TimeSpan.FromSeconds(10),
        });
        var server = store.Add("1");

        Assert.True(store.Start(server));
        Assert.Equal(SimPowerState.Starting, store.StateOf("1"));
        Assert.False(store.Start(server));
        time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(SimPowerState.Running, store.StateOf("1"));

        Assert.True(store.Restart(server));
        Assert.Equal(SimPowerState.Stopping, store.StateOf("1"));
        time.Advance(TimeSpan.FromSeconds(3));
        Assert.Equal(SimPowerState.Starting, store.StateOf("1"));
        time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(SimPowerState.Running, store.StateOf("1"));

        Assert.True(store.Stop(server));
        time.Advance(TimeSpan.FromSeconds(3));
        Assert.Equal(SimPowerState.Offline, store.StateOf("1"));

        Assert.True(store.Reinstall(server, SimPowerState.Running));
        Assert.Equal(SimPowerState.Installing, store.StateOf("1"));
        time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(SimPowerState.Running, store.StateOf("1"));

        Assert.True(store.Kill(server));
        Assert.Equal(SimPowerState.Offline, store.StateOf("1"));
    }

    [Fact]
    public async Task Faults_apply_to_the_next_matching_calls_only()
    {
        await using var simulator = await ProviderSimulators.StartAsync(ProviderType.Wings, cancellationToken: Ct);
        using var http = Client(simulator);
        simulator.Faults.Respond(503, count: 2, path: "/api/system", retryAfter: TimeSpan.FromSeconds(7));

        var other = await http.GetAsync("api/servers", Ct);
        var first = await http.GetAsync("api/system", Ct);
        var second = await http.GetAsync("api/system", Ct);
        var third = await http.GetAsync("api/system", Ct);

        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, first.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(7), first.Headers.RetryAfter?.Delta);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, second.StatusCode);
        Assert.Equal(HttpStatusCode.OK, third.StatusCode);
        Assert.Equal(4, simulator.Requests.Snapshot().Count);
    }

    [Fact]
    public async Task The_panel_redirects_unauthenticated_calls_without_accept_json()
    {
        await using var simulator = await ProviderSimulators.StartAsync(ProviderType.PterodactylPanel, cancellationToken: Ct);
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = simulator.BaseAddress };

        var response = await http.GetAsync("api/client/account", Ct);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
    }

    [Theory]
    [InlineData(ProviderType.Wenium, "servers")]
    [InlineData(ProviderType.PterodactylPanel, "api/client/account")]
    [InlineData(ProviderType.Wings, "api/system")]
    [InlineData(ProviderType.Heo, "v1/hosting/cloud/vps-custom/vps_1/start")]
    public async Task A_missing_token_is_401(ProviderType type, string path)
    {
        await using var simulator = await ProviderSimulators.StartAsync(type, new SimulatorOptions { LimitedToken = "limited" }, Ct);
        using var http = new HttpClient { BaseAddress = simulator.BaseAddress };
        http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));

        var response = type == ProviderType.Heo ? await http.PostAsync(path, null, Ct) : await http.GetAsync(path, Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Ten_thousand_servers_are_listed_and_found()
    {
        await using var simulator = await ProviderSimulators.StartAsync(
            ProviderType.Wenium, new SimulatorOptions { RecordRequests = false }, Ct);
        for (var i = 1; i <= 10_000; i++)
        {
            simulator.Servers.Add(i.ToString(), i % 2 == 0 ? SimPowerState.Running : SimPowerState.Offline);
        }

        using var http = Client(simulator);
        using var list = JsonDocument.Parse(await http.GetStringAsync("servers", Ct));
        using var one = JsonDocument.Parse(await http.GetStringAsync("servers/9999", Ct));

        Assert.Equal(10_000, list.RootElement.GetArrayLength());
        Assert.Equal("stopped", one.RootElement.GetProperty("status").GetString());
        Assert.Empty(simulator.Requests.Snapshot());
        Assert.Equal(2, simulator.Requests.Total);
    }

    private static HttpClient Client(IProviderSimulator simulator)
    {
        var http = new HttpClient { BaseAddress = simulator.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", simulator.Token);
        http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return http;
    }
}
