using ServerPower.Api.Resources;
using ServerPower.Providers.Contract;
using ServerPower.Providers.Tests.Support;
using ServerPower.Sandbox.Providers;

namespace ServerPower.Providers.Tests;

/// <summary>
/// A server id never changes the request path: ".", ".." and empty ids are refused before any request (Invalid,
/// NotSent); every other id is one escaped path segment, whatever characters it holds.
/// </summary>
public sealed class ServerIdTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<ProviderType, string> Refused()
    {
        var data = new TheoryData<ProviderType, string>();
        foreach (var type in Enum.GetValues<ProviderType>())
        {
            foreach (var id in (string[])["", ".", ".."])
            {
                data.Add(type, id);
            }
        }

        return data;
    }

    public static TheoryData<ProviderType, string> Escaped()
    {
        var data = new TheoryData<ProviderType, string>();
        foreach (var type in (ProviderType[])[ProviderType.PterodactylPanel, ProviderType.Wings, ProviderType.Heo])
        {
            foreach (var id in (string[])["a/b", "../x", "x/..", "a?b=c", "a#b", "%2e%2e", "%2F", "a b", "ü", "..;", "...", " .. "])
            {
                data.Add(type, id);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task Dot_dot_dot_and_empty_ids_are_refused_before_any_request(ProviderType type, string serverId)
    {
        await using var simulator = await ProviderSimulators.StartAsync(type, cancellationToken: Ct);
        using var harness = new ProviderHarness(options => options.CoalesceBatchReads = false);
        var provider = harness.For(simulator);

        var outcomes = new List<ProviderOutcome>
        {
            await provider.SendAsync(serverId, ActionType.Start, null, Ct),
            await provider.SendAsync(serverId, ActionType.Restart, null, Ct),
        };
        if (provider.Capabilities.CanReadState)
        {
            outcomes.Add((await provider.ReadAsync(serverId, Ct)).Outcome);
        }

        Assert.Empty(simulator.Requests.Snapshot());
        Assert.All(outcomes, outcome =>
        {
            Assert.Equal(OutcomeKind.Invalid, outcome.Kind);
            Assert.True(outcome.NotSent);
            Assert.False(outcome.MayHaveReachedProvider);
            Assert.Contains("server id", outcome.Message, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task Heo_with_server_id_dot_dot_sends_nothing()
    {
        await using var simulator = await ProviderSimulators.StartAsync(ProviderType.Heo, cancellationToken: Ct);
        using var harness = new ProviderHarness();

        var outcome = await harness.For(simulator).SendAsync("..", ActionType.Restart, null, Ct);

        Assert.Equal(OutcomeKind.Invalid, outcome.Kind);
        Assert.True(outcome.NotSent);
        Assert.Equal(0, simulator.Requests.Total);
    }

    [Theory]
    [MemberData(nameof(Escaped))]
    public async Task Any_other_id_is_one_escaped_path_segment(ProviderType type, string serverId)
    {
        await using var simulator = await ProviderSimulators.StartAsync(type, cancellationToken: Ct);
        using var harness = new ProviderHarness(options =>
        {
            options.MaxAttempts = 1;
            options.CoalesceBatchReads = false;
        });
        var provider = harness.For(simulator);
        var (prefix, segments) = type switch
        {
            ProviderType.PterodactylPanel => ("/api/client/servers/", 5),
            ProviderType.Wings => ("/api/servers/", 4),
            _ => ("/v1/hosting/cloud/vps-custom/", 6),
        };

        await provider.SendAsync(serverId, ActionType.Restart, null, Ct);
        if (provider.Capabilities.CanReadState)
        {
            await provider.ReadAsync(serverId, Ct);
        }

        var requests = simulator.Requests.Snapshot();
        Assert.NotEmpty(requests);
        Assert.All(requests, request =>
        {
            Assert.StartsWith(prefix, request.Path, StringComparison.Ordinal);
            Assert.InRange(request.Path.Split('/').Length - 1, segments - 1, segments);
            Assert.Equal(type == ProviderType.Heo ? "?force=true" : "", request.Query);
        });
    }

    [Theory]
    [InlineData("../user")]
    [InlineData("42/../../user")]
    [InlineData("4 2")]
    [InlineData("-1")]
    public async Task Wenium_ids_other_than_integers_are_refused(string serverId)
    {
        await using var simulator = await ProviderSimulators.StartAsync(ProviderType.Wenium, cancellationToken: Ct);
        using var harness = new ProviderHarness(options => options.CoalesceBatchReads = false);

        var action = await harness.For(simulator).SendAsync(serverId, ActionType.Start, null, Ct);
        var read = await harness.For(simulator).ReadAsync(serverId, Ct);

        Assert.Equal((OutcomeKind.Invalid, true), (action.Kind, action.NotSent));
        Assert.Equal((OutcomeKind.Invalid, true), (read.Outcome.Kind, read.Outcome.NotSent));
        Assert.Empty(simulator.Requests.Snapshot());
    }
}
