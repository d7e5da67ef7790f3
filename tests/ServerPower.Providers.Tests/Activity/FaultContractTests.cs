using System.Net;
using Microsoft.Extensions.Time.Testing;
using ServerPower.Providers.Activity;
using ServerPower.Providers.Outbound;
using ServerPower.Sandbox.Activity;

namespace ServerPower.Providers.Tests.Activity;

/// <summary>
/// What both socket readers (Minecraft over TCP, A2S over UDP) make of their fakes, as tables: a count that changes is
/// read as it is now; a silent server, a closed port, a garbage answer, an oversized one and a refused address are each
/// unknown, with the outcome and the message a status would show.
/// </summary>
public sealed class FaultContractTests : IAsyncDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly MinecraftPingListener minecraft = MinecraftPingListener.Start(players: 0);
    private readonly A2sResponder a2s = A2sResponder.Start(players: 0);

    private static ActivityReader Reader(TimeProvider? time = null, OutboundPolicy? policy = null, IOutboundNetwork? network = null) =>
        new(new OutboundConnector(policy ?? OutboundPolicy.AllowingLoopback, network ?? SystemOutboundNetwork.Instance), time ?? TimeProvider.System,
            new ActivityReaderOptions { Timeout = TimeSpan.FromSeconds(5), MaxAnswerBytes = 4096 });

    private ActivityTarget Target(string kind, string host = "127.0.0.1") =>
        kind == "minecraft" ? ActivityTarget.Minecraft(host, minecraft.Port) : ActivityTarget.A2s(host, a2s.Port);

    private void SetPlayers(string kind, int players)
    {
        if (kind == "minecraft") minecraft.Players = players;
        else a2s.Players = players;
    }

    [Theory]
    [InlineData("minecraft")]
    [InlineData("a2s")]
    public async Task A_count_that_changes_is_read_as_it_is_now(string kind)
    {
        using var reader = Reader();
        var counts = new List<int?>();
        foreach (var players in new[] { 3, 0, 12 })
        {
            SetPlayers(kind, players);
            counts.Add((await reader.ReadAsync(Target(kind), Ct)).Players);
        }

        Assert.Equal([3, 0, 12], counts);
    }

    [Theory]
    [InlineData("minecraft", "closed", ActivityOutcome.Failed, "ConnectionRefused")]
    [InlineData("minecraft", "garbage", ActivityOutcome.Unreadable, "the answer is not JSON")]
    [InlineData("minecraft", "oversized", ActivityOutcome.TooLarge, "the answer declares 16777216 bytes, more than 4096")]
    [InlineData("a2s", "closed", ActivityOutcome.Failed, "ConnectionRefused")]
    [InlineData("a2s", "garbage", ActivityOutcome.Unreadable, "the answer has no A2S header")]
    [InlineData("a2s", "oversized", ActivityOutcome.TooLarge, "the answer is longer than 1400 bytes")]
    public async Task A_misbehaving_server_is_unknown_never_zero(string kind, string fault, ActivityOutcome outcome, string message)
    {
        switch (kind, fault)
        {
            case ("minecraft", "closed"): minecraft.Close(); break;
            case ("minecraft", "garbage"): minecraft.Mode = MinecraftFakeMode.Garbage; break;
            case ("minecraft", "oversized"): minecraft.Mode = MinecraftFakeMode.Oversized; break;
            case ("a2s", "closed"): a2s.Close(); break;
            case ("a2s", "garbage"): a2s.Mode = A2sFakeMode.Garbage; break;
            default: a2s.Mode = A2sFakeMode.Oversized; break;
        }
        using var reader = Reader();

        var read = await reader.ReadAsync(Target(kind), Ct);

        Assert.Equal(ActivityRead.Unknown(outcome, message), read);
    }

    [Theory]
    [InlineData("minecraft")]
    [InlineData("a2s")]
    public async Task A_silent_server_times_out_and_is_unknown(string kind)
    {
        minecraft.Mode = MinecraftFakeMode.Silent;
        a2s.Mode = A2sFakeMode.Silent;
        var time = new FakeTimeProvider();
        using var reader = Reader(time);
        // The server has the request (the listener accepted the connection; the responder received the datagram).
        var received = kind == "minecraft" ? minecraft.NextConnection : a2s.NextRequest;

        var reading = reader.ReadAsync(Target(kind), Ct);
        await received.WaitAsync(Ct);
        time.Advance(TimeSpan.FromSeconds(5));
        var read = await reading;

        Assert.Equal(ActivityRead.Unknown(ActivityOutcome.TimedOut, "no answer within 5s"), read);
    }

    [Theory]
    [InlineData("minecraft")]
    [InlineData("a2s")]
    public async Task A_refused_address_gets_no_connection_and_no_datagram(string kind)
    {
        var network = new RecordingNetwork(new Dictionary<string, IPAddress[]> { ["game.example"] = [IPAddress.Parse("169.254.169.254")] });
        using var reader = Reader(policy: OutboundPolicy.Default, network: network);

        var read = await reader.ReadAsync(Target(kind, "game.example"), Ct);

        Assert.Equal(ActivityRead.Unknown(ActivityOutcome.Refused,
            "not connected: the operator's outbound policy refuses link-local addresses (169.254.0.0/16, fe80::/10)"), read);
        Assert.Equal(["game.example"], network.Resolved);
        Assert.Empty(network.Connected);
    }

    public async ValueTask DisposeAsync()
    {
        await minecraft.DisposeAsync();
        await a2s.DisposeAsync();
    }
}
