using System.Net;
using Microsoft.Extensions.Time.Testing;
using ServerPower.Providers.Activity;
using ServerPower.Providers.Outbound;
using ServerPower.Sandbox.Activity;

namespace ServerPower.Providers.Tests.Activity;

/// <summary>The operator's Server List Ping reader against the sandbox's Minecraft listener, over loopback, in every mode.</summary>
public sealed class MinecraftPingContractTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly ActivityReaderOptions Options = new() { Timeout = TimeSpan.FromSeconds(5), MaxAnswerBytes = 4096 };

    private static ActivityReader Reader(TimeProvider? time = null, OutboundPolicy? policy = null, IOutboundNetwork? network = null) =>
        new(new OutboundConnector(policy ?? OutboundPolicy.AllowingLoopback, network ?? SystemOutboundNetwork.Instance), time ?? TimeProvider.System, Options);

    [Fact]
    public async Task Reads_players_online_after_a_handshake_with_next_state_1()
    {
        await using var server = MinecraftPingListener.Start(players: 7);
        using var reader = Reader();

        var read = await reader.ReadAsync(ActivityTarget.Minecraft("127.0.0.1", server.Port), Ct);

        Assert.Equal(ActivityRead.Count(7, "7 players"), read);
        Assert.Equal([new MinecraftHandshake(-1, "127.0.0.1", server.Port, 1)], server.Handshakes);
    }

    [Fact]
    public async Task A_count_that_changes_is_read_as_it_is_now()
    {
        await using var server = MinecraftPingListener.Start(players: 3);
        using var reader = Reader();
        var target = ActivityTarget.Minecraft("127.0.0.1", server.Port);

        var first = await reader.ReadAsync(target, Ct);
        server.Players = 0;
        var second = await reader.ReadAsync(target, Ct);
        server.Players = 12;
        var third = await reader.ReadAsync(target, Ct);

        Assert.Equal([3, 0, 12], new[] { first.Players, second.Players, third.Players });
    }

    [Fact]
    public async Task An_answer_split_into_one_byte_writes_is_read_whole()
    {
        await using var server = MinecraftPingListener.Start(players: 5);
        server.Mode = MinecraftFakeMode.Split;
        using var reader = Reader();

        var read = await reader.ReadAsync(ActivityTarget.Minecraft("127.0.0.1", server.Port), Ct);

        Assert.Equal(5, read.Players);
    }

    [Fact]
    public async Task A_silent_server_times_out_and_is_unknown()
    {
        await using var server = MinecraftPingListener.Start(players: 0);
        server.Mode = MinecraftFakeMode.Silent;
        var time = new FakeTimeProvider();
        using var reader = Reader(time);
        var connected = server.NextConnection;

        var reading = reader.ReadAsync(ActivityTarget.Minecraft("127.0.0.1", server.Port), Ct);
        await connected.WaitAsync(Ct);
        time.Advance(TimeSpan.FromSeconds(5));
        var read = await reading;

        Assert.Equal(ActivityRead.Unknown(ActivityOutcome.TimedOut, "no answer within 5s"), read);
    }

    [Fact]
    public async Task A_closed_port_is_unknown_not_zero()
    {
        await using var server = MinecraftPingListener.Start(players: 0);
        server.Close();
        using var reader = Reader();

        var read = await reader.ReadAsync(ActivityTarget.Minecraft("127.0.0.1", server.Port), Ct);

        Assert.Equal(ActivityRead.Unknown(ActivityOutcome.Failed, "ConnectionRefused"), read);
    }

    [Fact]
    public async Task A_garbage_answer_is_unreadable()
    {
        await using var server = MinecraftPingListener.Start(players: 0);
        server.Mode = MinecraftFakeMode.Garbage;
        using var reader = Reader();

        var read = await reader.ReadAsync(ActivityTarget.Minecraft("127.0.0.1", server.Port), Ct);

        Assert.Equal(ActivityRead.Unknown(ActivityOutcome.Unreadable, "the answer is not JSON"), read);
    }

    [Fact]
    public async Task An_oversized_answer_is_too_large_and_not_read()
    {
        await using var server = MinecraftPingListener.Start(players: 0);
        server.Mode = MinecraftFakeMode.Oversized;
        using var reader = Reader();

        var read = await reader.ReadAsync(ActivityTarget.Minecraft("127.0.0.1", server.Port), Ct);

        Assert.Equal(ActivityRead.Unknown(ActivityOutcome.TooLarge, "the answer declares 16777216 bytes, more than 4096"), read);
    }

    [Fact]
    public async Task A_refused_address_is_never_connected_to()
    {
        var network = new RecordingNetwork(new Dictionary<string, IPAddress[]> { ["mc.example"] = [IPAddress.Parse("169.254.169.254")] });
        using var reader = Reader(policy: OutboundPolicy.Default, network: network);

        var read = await reader.ReadAsync(ActivityTarget.Minecraft("mc.example", 25565), Ct);

        Assert.Equal(ActivityRead.Unknown(ActivityOutcome.Refused,
            "not connected: the operator's outbound policy refuses link-local addresses (169.254.0.0/16, fe80::/10)"), read);
        Assert.Empty(network.Connected);
    }
}
