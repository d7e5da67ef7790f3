using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using ServerPower.Sandbox.Services;

namespace ServerPower.Sandbox.Activity;

/// <summary>
/// A Minecraft Java Edition server as far as the Server List Ping goes (wiki.vg "Server List Ping"), on a loopback
/// address: it reads a Handshake (packet 0: VarInt protocol version, VarInt-length UTF-8 host, big-endian unsigned short
/// port, VarInt next state, which must be 1) and a Status Request (packet 0, empty), answers a Status Response (packet 0,
/// a VarInt-length JSON string with players.online = <see cref="Players"/>) as <see cref="Mode"/> says, then echoes a
/// Ping Request (packet 1, 8 bytes) as its Pong. Every packet is a VarInt length and that many bytes. Its VarInt code is
/// its own, written from the description, so a mistake in the operator's reader is not mirrored here.
/// </summary>
public sealed class MinecraftPingListener : LoopbackTcpListener
{
    private const int MaxRequestPacket = 1024;
    private int players;

    private MinecraftPingListener(int port, IPAddress? address) : base(port, address)
    {
    }

    /// <summary>players.online in the next answer; may change at any time.</summary>
    public int Players
    {
        get => Volatile.Read(ref players);
        set => Volatile.Write(ref players, value);
    }

    public int MaxPlayers { get; set; } = 20;

    public MinecraftFakeMode Mode { get; set; } = MinecraftFakeMode.Answer;

    /// <summary>Every Handshake received, in order.</summary>
    public ConcurrentQueue<MinecraftHandshake> Handshakes { get; } = new();

    /// <param name="address">A loopback address (default 127.0.0.1).</param>
    public static MinecraftPingListener Start(int port = 0, IPAddress? address = null, int players = 0)
    {
        var listener = new MinecraftPingListener(port, address) { Players = players };
        listener.Open();
        return listener;
    }

    /// <summary>The Status Response packet (length included) for <paramref name="online"/> players.</summary>
    public byte[] StatusResponse(int online)
    {
        var json = new JsonObject
        {
            ["version"] = new JsonObject { ["name"] = "1.21.1", ["protocol"] = 767 },
            ["players"] = new JsonObject { ["max"] = MaxPlayers, ["online"] = online, ["sample"] = new JsonArray() },
            ["description"] = new JsonObject { ["text"] = "ServerPower sandbox" },
        };
        return Packet(0x00, Text(json.ToJsonString()));
    }

    protected override async Task ServeAsync(TcpClient client, CancellationToken cancellationToken)
    {
        using var _ = client;
        client.NoDelay = true;
        try
        {
            var stream = client.GetStream();
            if (await ReadPacketAsync(stream, cancellationToken) is not { Length: > 0 } handshake || handshake[0] != 0x00) return;
            if (ParseHandshake(handshake) is not { } received) return;
            Handshakes.Enqueue(received);
            if (received.NextState != 1) return;
            if (await ReadPacketAsync(stream, cancellationToken) is not [0x00]) return;
            await AnswerAsync(stream, Mode, cancellationToken);
            if (await ReadPacketAsync(stream, cancellationToken) is { Length: 9 } ping && ping[0] == 0x01)
                await stream.WriteAsync(Packet(0x01, ping[1..]), cancellationToken);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or SocketException or ObjectDisposedException or EndOfStreamException)
        {
        }
    }

    private async Task AnswerAsync(NetworkStream stream, MinecraftFakeMode mode, CancellationToken cancellationToken)
    {
        switch (mode)
        {
            case MinecraftFakeMode.Silent:
                await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
                return;
            case MinecraftFakeMode.Garbage:
                await stream.WriteAsync(Packet(0x00, Text("<html>this is no JSON</html>")), cancellationToken);
                return;
            case MinecraftFakeMode.Oversized:
                const int declared = 16 * 1024 * 1024;
                await stream.WriteAsync(VarInt(declared), cancellationToken);
                var zeros = new byte[64 * 1024];
                for (var sent = 0; sent < declared; sent += zeros.Length) await stream.WriteAsync(zeros, cancellationToken);
                return;
            case MinecraftFakeMode.Split:
                foreach (var b in StatusResponse(Players))
                {
                    await stream.WriteAsync(new[] { b }, cancellationToken);
                    await stream.FlushAsync(cancellationToken);
                    await Task.Delay(1, cancellationToken);
                }
                return;
            default:
                await stream.WriteAsync(StatusResponse(Players), cancellationToken);
                return;
        }
    }

    private static MinecraftHandshake? ParseHandshake(byte[] packet)
    {
        var at = 1;
        if (ReadVarInt(packet, ref at) is not { } protocol || ReadVarInt(packet, ref at) is not { } hostLength) return null;
        if (hostLength < 0 || at + hostLength + 2 > packet.Length) return null;
        var host = Encoding.UTF8.GetString(packet, at, hostLength);
        at += hostLength;
        var port = (packet[at] << 8) | packet[at + 1];
        at += 2;
        return ReadVarInt(packet, ref at) is { } next && at == packet.Length ? new MinecraftHandshake(protocol, host, port, next) : null;
    }

    /// <summary>One packet's bytes (id and fields) after its VarInt length; null when the stream ends or the length is out of bounds.</summary>
    private static async Task<byte[]?> ReadPacketAsync(Stream stream, CancellationToken cancellationToken)
    {
        var length = 0;
        var one = new byte[1];
        for (var shift = 0; ; shift += 7)
        {
            if (shift > 28 || await stream.ReadAsync(one, cancellationToken) == 0) return null;
            length |= (one[0] & 0x7F) << shift;
            if ((one[0] & 0x80) == 0) break;
        }
        if (length is < 1 or > MaxRequestPacket) return null;
        var packet = new byte[length];
        await stream.ReadExactlyAsync(packet, cancellationToken);
        return packet;
    }

    private static int? ReadVarInt(byte[] source, ref int at)
    {
        var value = 0;
        for (var shift = 0; shift <= 28 && at < source.Length; shift += 7)
        {
            var b = source[at++];
            value |= (b & 0x7F) << shift;
            if ((b & 0x80) == 0) return value;
        }
        return null;
    }

    private static byte[] VarInt(int value)
    {
        var bytes = new List<byte>();
        var rest = (uint)value;
        do
        {
            var b = (byte)(rest & 0x7F);
            rest >>= 7;
            bytes.Add(rest == 0 ? b : (byte)(b | 0x80));
        }
        while (rest != 0);
        return [.. bytes];
    }

    private static byte[] Text(string text)
    {
        var utf8 = Encoding.UTF8.GetBytes(text);
        return [.. VarInt(utf8.Length), .. utf8];
    }

    private static byte[] Packet(int id, byte[] fields)
    {
        byte[] body = [.. VarInt(id), .. fields];
        return [.. VarInt(body.Length), .. body];
    }
}
