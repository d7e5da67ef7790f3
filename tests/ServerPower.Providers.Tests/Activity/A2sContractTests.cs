using System.Net;
using Microsoft.Extensions.Time.Testing;
using ServerPower.Providers.Activity;
using ServerPower.Providers.Outbound;
using ServerPower.Sandbox.Activity;

namespace ServerPower.Providers.Tests.Activity;

/// <summary>The operator's A2S_INFO reader against the sandbox's UDP responder, over loopback, in every mode.</summary>
public sealed class A2sContractTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ActivityReader Reader(TimeProvider? time = null, OutboundPolicy? policy = null, IOutboundNetwork? network = null) =>
        new(new OutboundConnector(policy ?? OutboundPolicy.AllowingLoopback, network ?? SystemOutboundNetwork.Instance), time ?? TimeProvider.System,
            new ActivityReaderOptions { Timeout = TimeSpan.FromSeconds(5) });

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
    public async Task A_count_that_changes_is_read_as_it_is_now()
    {
        await using var server = A2sResponder.Start(players: 1);
        using var reader = Reader();
        var target = ActivityTarget.A2s("127.0.0.1", server.Port);

        var first = await reader.ReadAsync(target, Ct);
        server.Players = 0;
        var second = await reader.ReadAsync(target, Ct);
        server.Players = 20;
        server.Bots = 3;
        var third = await reader.ReadAsync(target, Ct);

        Assert.Equal([1, 0, 17], new[] { first.Players, second.Players, third.Players });
    }

    [Fact]
    public async Task A_silent_server_times_out_and_is_unknown()
    {
        await using var server = A2sResponder.Start(players: 0);
        server.Mode = A2sFakeMode.Silent;
        var time = new FakeTimeProvider();
        using var reader = Reader(time);
        var received = server.NextRequest;

        var reading = reader.ReadAsync(ActivityTarget.A2s("127.0.0.1", server.Port), Ct);
        await received.WaitAsync(Ct);
        time.Advance(TimeSpan.FromSeconds(5));
        var read = await reading;

        Assert.Equal(ActivityRead.Unknown(ActivityOutcome.TimedOut, "no answer within 5s"), read);
    }

    [Fact]
    public async Task A_closed_port_is_unknown_not_zero()
    {
        await using var server = A2sResponder.Start(players: 0);
        server.Close();
        using var reader = Reader();

        var read = await reader.ReadAsync(ActivityTarget.A2s("127.0.0.1", server.Port), Ct);

        Assert.Equal(ActivityRead.Unknown(ActivityOutcome.Failed, "ConnectionRefused"), read);
    }

    [Fact]
    public async Task A_garbage_answer_is_unreadable()
    {
        await using var server = A2sResponder.Start(players: 0);
        server.Mode = A2sFakeMode.Garbage;
        using var reader = Reader();

        var read = await reader.ReadAsync(ActivityTarget.A2s("127.0.0.1", server.Port), Ct);

        Assert.Equal(ActivityRead.Unknown(ActivityOutcome.Unreadable, "the answer has no A2S header"), read);
    }

    [Fact]
    public async Task An_oversized_answer_is_too_large()
    {
        await using var server = A2sResponder.Start(players: 0);
        server.Mode = A2sFakeMode.Oversized;
        using var reader = Reader();

        var read = await reader.ReadAsync(ActivityTarget.A2s("127.0.0.1", server.Port), Ct);

        Assert.Equal(ActivityRead.Unknown(ActivityOutcome.TooLarge, "the answer is longer than 1400 bytes"), read);
    }

    [Fact]
    public async Task A_refused_address_gets_no_socket_and_no_datagram()
    {
        var network = new RecordingNetwork(new Dictionary<string, IPAddress[]> { ["cs.example"] = [IPAddress.Parse("169.254.169.254")] });
        using var reader = Reader(policy: OutboundPolicy.Default, network: network);

        var read = await reader.ReadAsync(ActivityTarget.A2s("cs.example", 27015), Ct);

        Assert.Equal(ActivityOutcome.Refused, read.Outcome);
        Assert.Equal(["cs.example"], network.Resolved);
        Assert.Empty(network.Connected);
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
