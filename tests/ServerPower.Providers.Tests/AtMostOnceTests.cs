using ServerPower.Api.Resources;
using ServerPower.Providers.Contract;
using ServerPower.Providers.Tests.Support;

namespace ServerPower.Providers.Tests;

/// <summary>
/// A destructive request is never resent below the adapter. SocketsHttpHandler resends a request without content
/// on a new connection when the server closes a reused keep-alive connection before any byte of the answer;
/// a provider that executed it would then execute it again. The listener serves one normal request, then reads
/// the destructive one on the reused connection and hangs up.
/// </summary>
public sealed class AtMostOnceTests
{
    private const string Uuid = "3f0c2a9e-0000-4000-8000-000000000001";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<ProviderType, string, ActionType, string> Destructive => new()
    {
        // No body on the wire.
        { ProviderType.Heo, "vps_1", ActionType.Restart, "POST /v1/hosting/cloud/vps-custom/vps_1/reset" },
        { ProviderType.PterodactylPanel, "abcd1234", ActionType.Rebuild, "POST /api/client/servers/abcd1234/settings/reinstall" },
        { ProviderType.Wings, Uuid, ActionType.Rebuild, $"POST /api/servers/{Uuid}/reinstall" },
        // A JSON body.
        { ProviderType.Wenium, "42", ActionType.Restart, "POST /servers/42/action" },
        { ProviderType.Wenium, "42", ActionType.Rebuild, "POST /servers/42/action" },
        { ProviderType.PterodactylPanel, "abcd1234", ActionType.Restart, "POST /api/client/servers/abcd1234/power" },
        { ProviderType.PterodactylPanel, "abcd1234", ActionType.Kill, "POST /api/client/servers/abcd1234/power" },
        { ProviderType.Wings, Uuid, ActionType.Restart, $"POST /api/servers/{Uuid}/power" },
        { ProviderType.Wings, Uuid, ActionType.Kill, $"POST /api/servers/{Uuid}/power" },
    };

    [Theory]
    [MemberData(nameof(Destructive))]
    public async Task A_destructive_request_on_a_reused_connection_that_is_closed_is_sent_once(
        ProviderType type, string serverId, ActionType action, string requestLine)
    {
        await using var listener = new HangUpListener("""{"status":"up","version":"1.0.0","attributes":{"id":1}}""");
        using var harness = new ProviderHarness();
        var provider = harness.Factory.Get(new ProviderAccount(
            "ns/hang-up", type, listener.BaseAddress, new SecretValue("t0ken"), RateLimit: null, MaxConcurrentActions: 4));
        var rebuild = new RebuildRequest("debian-12", null, new SecretValue("pw"), null, null);

        var probe = await provider.ProbeAsync(Ct);
        var outcome = await provider.SendAsync(serverId, action, rebuild, Ct);

        Assert.Equal(OutcomeKind.Accepted, probe.Kind);
        Assert.Equal(1, listener.Count(requestLine));
        Assert.Equal(OutcomeKind.Unavailable, outcome.Kind);
        Assert.True(outcome.MayHaveReachedProvider, "the request was delivered: its effect is unknown");
    }

    [Theory]
    [InlineData(ProviderType.Heo, "vps_1", ActionType.Restart)]
    [InlineData(ProviderType.Wings, Uuid, ActionType.Kill)]
    [InlineData(ProviderType.Wenium, "42", ActionType.Rebuild)]
    public async Task A_destructive_request_always_goes_on_a_fresh_connection(ProviderType type, string serverId, ActionType action)
    {
        await using var listener = new HangUpListener("""{"status":"up","version":"1.0.0","attributes":{"id":1}}""", answered: int.MaxValue);
        using var harness = new ProviderHarness();
        var provider = harness.Factory.Get(new ProviderAccount(
            "ns/fresh", type, listener.BaseAddress, new SecretValue("t0ken"), RateLimit: null, MaxConcurrentActions: 4));
        var rebuild = new RebuildRequest("debian-12", null, null, null, null);

        await provider.ProbeAsync(Ct);
        await provider.SendAsync(serverId, action, rebuild, Ct);
        await provider.SendAsync(serverId, action, rebuild, Ct);
        await provider.ProbeAsync(Ct);

        var connections = listener.Connections;
        Assert.Equal(4, connections.Count);
        Assert.Equal(3, connections.Take(3).Distinct().Count());
        Assert.Equal(connections[0], connections[3]);
    }
}
