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

    public static TheoryData<ProviderType, string, int> HtmlErrors()
    {
        var data = new TheoryData<ProviderType, string, int>();
        foreach (var type in Enum.GetValues<ProviderType>())
        {
            foreach (var status in (int[])[400, 401, 403, 404, 409, 500, 502])
            {
                data.Add(type, "restart", status);
                data.Add(type, type == ProviderType.Heo ? "probe" : "read", status);
            }
        }

        return data;
    }

    /// <summary>
    /// Every provider documents JSON error bodies; an HTML error page comes from something in between (a proxy,
    /// a wrong endpoint) and says nothing about the server: a 404 page must not read as "server not found".
    /// </summary>
    [Theory]
    [MemberData(nameof(HtmlErrors))]
    public async Task An_html_error_page_is_unreadable_not_the_providers_answer(ProviderType type, string call, int status)
    {
        await using var simulator = await ProviderSimulators.StartAsync(type, cancellationToken: Ct);
        var serverId = ServerIdFor(type);
        simulator.Servers.Add(serverId, SimPowerState.Running);
        using var harness = new ProviderHarness(options =>
        {
            options.MaxAttempts = 1;
            options.CoalesceBatchReads = false;
        });
        simulator.Faults.Add(new FaultRule { StatusCode = status, Body = Html, ContentType = "text/html" });

        var outcome = await Call(harness.For(simulator), call, serverId);

        Assert.Equal(new ProviderOutcome(OutcomeKind.Unavailable, $"unreadable answer (HTTP {status}, text/html)", MayHaveReachedProvider: true), outcome);
    }

    [Fact]
    public async Task A_429_page_is_still_rate_limiting()
    {
        await using var simulator = await ProviderSimulators.StartAsync(ProviderType.Wings, cancellationToken: Ct);
        using var harness = new ProviderHarness(options => options.MaxAttempts = 1);
        simulator.Faults.Add(new FaultRule { StatusCode = 429, Body = Html, ContentType = "text/html", RetryAfter = TimeSpan.FromMinutes(2) });

        var outcome = await harness.For(simulator).ProbeAsync(Ct);

        Assert.Equal((OutcomeKind.RateLimited, TimeSpan.FromMinutes(2)), (outcome.Kind, outcome.RetryAfter));
    }

    private static string ServerIdFor(ProviderType type) => type switch
    {
        ProviderType.Wenium => "42",
        ProviderType.PterodactylPanel => "abcd1234",
        ProviderType.Wings => Uuid,
        _ => "vps_1",
    };

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
