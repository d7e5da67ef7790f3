using ServerPower.Providers.Activity;
using ServerPower.Providers.Outbound;
using ServerPower.Sandbox.Activity;

namespace ServerPower.Providers.Tests.Activity;

/// <summary>The operator's A2S_INFO reader against the sandbox's UDP responder, over loopback (the modes both socket readers share: <see cref="FaultContractTests"/>).</summary>
public sealed class A2sContractTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ActivityReader Reader(OutboundPolicy? policy = null) => new(new OutboundConnector(policy ?? OutboundPolicy.AllowingLoopback), TimeProvider.System);

    [Fact]
    public async Task Counts_players_minus_bots()
    {
        await using var server = A2sResponder.Start(players: 9, bots: 4);
        using var reader = Reader();

        var read = await reader.ReadAsync(ActivityTarget.A2s("127.0.0.1", server.Port), Ct);

        Assert.Equal(ActivityRead.Count(5, "5 players (4 bots not counted)"), read);
        Assert.Equal(1, server.Requests);
    }

    [Fact]
    public async Task Only_bots_is_zero_players()
    {
        await using var server = A2sResponder.Start(players: 6, bots: 6);
        using var reader = Reader();

        var read = await reader.ReadAsync(ActivityTarget.A2s("127.0.0.1", server.Port), Ct);

        Assert.Equal(0, read.Players);
    }

    [Fact]
    public async Task A_challenge_is_answered_by_resending_the_request_with_it()
    {
        await using var server = A2sResponder.Start(players: 2);
        server.RequireChallenge = true;
        using var reader = Reader();

        var read = await reader.ReadAsync(ActivityTarget.A2s("127.0.0.1", server.Port), Ct);

        Assert.Equal(2, read.Players);
        Assert.Equal(2, server.Requests);
        Assert.Equal(1, server.ChallengedRequests);
    }

    [Fact]
    public async Task A_second_challenge_is_unreadable()
    {
        await using var server = A2sResponder.Start(players: 2);
        server.Mode = A2sFakeMode.ChallengeForever;
        using var reader = Reader();

        var read = await reader.ReadAsync(ActivityTarget.A2s("127.0.0.1", server.Port), Ct);

        Assert.Equal(ActivityRead.Unknown(ActivityOutcome.Unreadable, "the server asked for a challenge again"), read);
        Assert.Equal(2, server.Requests);
    }

    [Fact]
    public async Task Loopback_refused_by_the_default_policy_receives_nothing()
    {
        await using var server = A2sResponder.Start(players: 3);
        using var reader = Reader(policy: OutboundPolicy.Default);

        var read = await reader.ReadAsync(ActivityTarget.A2s("127.0.0.1", server.Port), Ct);
        // A request that was sent would have been answered; a read that follows shows the responder is listening.
        using var allowed = Reader();
        var control = await allowed.ReadAsync(ActivityTarget.A2s("127.0.0.1", server.Port), Ct);

        Assert.Equal(ActivityRead.Unknown(ActivityOutcome.Refused, "not connected: the operator's outbound policy refuses loopback addresses (127.0.0.0/8, ::1)"), read);
        Assert.Equal(3, control.Players);
        Assert.Equal(1, server.Requests);
    }
}
