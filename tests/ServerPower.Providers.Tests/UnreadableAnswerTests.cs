using ServerPower.Api.Resources;
using ServerPower.Providers.Contract;
using ServerPower.Providers.Tests.Support;
using ServerPower.Sandbox.Providers;
using ServerPower.Sandbox.Providers.Core;

namespace ServerPower.Providers.Tests;

/// <summary>
/// An answer the operator cannot read is never taken for success: a 2xx HTML page, a 2xx without the documented
/// success field or status, a body that is not the documented JSON. It is Unavailable, and an action may have
/// been executed (MayHaveReachedProvider), so a one-shot becomes Uncertain.
/// </summary>
public sealed class UnreadableAnswerTests
{
    private const string Html = "<html><body><h1>Welcome</h1></body></html>";
    private const string Uuid = "3f0c2a9e-0000-4000-8000-000000000001";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<ProviderType, string, int, string?, string?> Cases => new()
    {
        // Wenium: an action answers 200 {"status": true}; reads answer JSON objects (or an array for the listing).
        { ProviderType.Wenium, "restart", 200, Html, "text/html" },
        { ProviderType.Wenium, "rebuild", 200, Html, "text/html" },
        { ProviderType.Wenium, "start", 200, Html, "text/html" },
        { ProviderType.Wenium, "restart", 200, """{"message":"Power action reboot completed successfully."}""", null },
        { ProviderType.Wenium, "restart", 200, """{"status":"ok"}""", null },
        { ProviderType.Wenium, "restart", 204, null, null },
        { ProviderType.Wenium, "restart", 202, "", null },
        { ProviderType.Wenium, "read", 200, Html, "text/html" },
        { ProviderType.Wenium, "read", 200, "not json at all", "text/plain" },
        { ProviderType.Wenium, "batch", 200, Html, "text/html" },
        { ProviderType.Wenium, "batch", 200, """{"message":"no list here"}""", null },
        { ProviderType.Wenium, "probe", 200, Html, "text/html" },
        // Panel: power answers 200 {"data": {"success": true}} or 204; reinstall 202 or 204.
        { ProviderType.PterodactylPanel, "restart", 200, Html, "text/html" },
        { ProviderType.PterodactylPanel, "kill", 200, "{}", null },
        { ProviderType.PterodactylPanel, "restart", 200, """{"data":{"message":"sent"}}""", null },
        { ProviderType.PterodactylPanel, "start", 200, Html, "text/html" },
        { ProviderType.PterodactylPanel, "restart", 202, Html, "text/html" },
        { ProviderType.PterodactylPanel, "rebuild", 200, Html, "text/html" },
        { ProviderType.PterodactylPanel, "read", 200, Html, "text/html" },
        { ProviderType.PterodactylPanel, "probe", 200, Html, "text/html" },
        // Wings: actions answer 202; reads answer JSON.
        { ProviderType.Wings, "restart", 200, "", null },
        { ProviderType.Wings, "kill", 204, null, null },
        { ProviderType.Wings, "kill", 202, Html, "text/html" },
        { ProviderType.Wings, "rebuild", 200, Html, "text/html" },
        { ProviderType.Wings, "start", 200, Html, "text/html" },
        { ProviderType.Wings, "read", 200, Html, "text/html" },
        { ProviderType.Wings, "batch", 200, Html, "text/html" },
        { ProviderType.Wings, "probe", 200, Html, "text/html" },
        // HEO: actions answer 200 {"success": true}.
        { ProviderType.Heo, "restart", 200, Html, "text/html" },
        { ProviderType.Heo, "restart", 200, """{"status":"requested"}""", null },
        { ProviderType.Heo, "restart", 204, null, null },
        { ProviderType.Heo, "start", 200, Html, "text/html" },
        { ProviderType.Heo, "probe", 200, Html, "text/html" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task An_unreadable_answer_is_never_success(ProviderType type, string call, int status, string? body, string? contentType)
    {
        await using var simulator = await ProviderSimulators.StartAsync(type, cancellationToken: Ct);
        var serverId = type switch
        {
            ProviderType.Wenium => "42",
            ProviderType.PterodactylPanel => "abcd1234",
            ProviderType.Wings => Uuid,
            _ => "vps_1",
        };
        simulator.Servers.Add(serverId, SimPowerState.Running);
        using var harness = new ProviderHarness(options =>
        {
            options.MaxAttempts = 1;
            options.CoalesceBatchReads = false;
        });
        var provider = harness.For(simulator);
        simulator.Faults.Add(new FaultRule { StatusCode = status, Body = body, ContentType = contentType });

        var outcome = await Call(provider, call, serverId);

        Assert.Equal(OutcomeKind.Unavailable, outcome.Kind);
        Assert.StartsWith($"unreadable answer (HTTP {status}", outcome.Message, StringComparison.Ordinal);
        Assert.True(outcome.MayHaveReachedProvider, "the provider may have executed what it was asked");
        Assert.Single(simulator.Requests.Snapshot());
        if (contentType == "text/html")
        {
            Assert.Equal($"unreadable answer (HTTP {status}, text/html)", outcome.Message);
        }
    }

    private static async Task<ProviderOutcome> Call(IPowerProvider provider, string call, string serverId) => call switch
    {
        "read" => await ReadAsync(provider, serverId),
        "batch" => (await provider.ReadAllAsync(Ct)).Outcome,
        "probe" => await provider.ProbeAsync(Ct),
        _ => await provider.SendAsync(serverId, Enum.Parse<ActionType>(call, ignoreCase: true), new RebuildRequest("debian-12", null, null, null, null), Ct),
    };

    private static async Task<ProviderOutcome> ReadAsync(IPowerProvider provider, string serverId)
    {
        var read = await provider.ReadAsync(serverId, Ct);
        Assert.Null(read.Server);
        return read.Outcome;
    }
}
