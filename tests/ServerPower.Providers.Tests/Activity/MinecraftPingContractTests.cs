using ServerPower.Providers.Activity;
using ServerPower.Providers.Outbound;
using ServerPower.Sandbox.Activity;

namespace ServerPower.Providers.Tests.Activity;

/// <summary>The operator's Server List Ping reader against the sandbox's Minecraft listener, over loopback (the modes both socket readers share: <see cref="FaultContractTests"/>).</summary>
public sealed class MinecraftPingContractTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ActivityReader Reader() => new(new OutboundConnector(OutboundPolicy.AllowingLoopback), TimeProvider.System);

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
    public async Task An_answer_split_into_one_byte_writes_is_read_whole()
    {
        await using var server = MinecraftPingListener.Start(players: 5);
        server.Mode = MinecraftFakeMode.Split;
        using var reader = Reader();

        var read = await reader.ReadAsync(ActivityTarget.Minecraft("127.0.0.1", server.Port), Ct);

        Assert.Equal(5, read.Players);
    }
}
