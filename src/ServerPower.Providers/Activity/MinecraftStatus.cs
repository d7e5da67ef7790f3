using System.Buffers.Binary;
using System.Text;

namespace ServerPower.Providers.Activity;

/// <summary>
/// The packets of the Minecraft Java Edition Server List Ping (wiki.vg "Server List Ping"), each framed as a VarInt
/// length followed by a VarInt packet id and its fields. The client sends a Handshake (id 0, protocol version, server
/// address, port, next state 1) and a Status Request (id 0, no fields); the server answers a Status Response (id 0, a
/// VarInt-length UTF-8 JSON string) whose players.online is the count.
/// </summary>
public static class MinecraftStatus
{
    /// <summary>By convention the protocol version of a client pinging to learn the server's version; servers answer any.</summary>
    public const int PingProtocolVersion = -1;

    /// <summary>Handshake then Status Request, as one write.</summary>
    public static byte[] Request(string host, int port)
    {
        var handshake = new List<byte>();
        VarInt.Write(0x00, handshake);
        VarInt.Write(PingProtocolVersion, handshake);
        var name = Encoding.UTF8.GetBytes(host);
        VarInt.Write(name.Length, handshake);
        handshake.AddRange(name);
        var portBytes = new byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(portBytes, (ushort)port);
        handshake.AddRange(portBytes);
        VarInt.Write(1, handshake);

        var packets = new List<byte>();
        VarInt.Write(handshake.Count, packets);
        packets.AddRange(handshake);
        VarInt.Write(1, packets);
        packets.Add(0x00);
        return [.. packets];
    }

    /// <summary>
    /// Reads one Status Response from <paramref name="stream"/> and its players.online. A declared length above
    /// <paramref name="maxBytes"/> is TooLarge before anything of that length is allocated; a stream that ends early is
    /// Failed; anything else that is not a Status Response with a count is Unreadable. Only the stream's own I/O errors
    /// and cancellation are thrown.
    /// </summary>
    public static async Task<ActivityRead> ReadAnswerAsync(Stream stream, int maxBytes, CancellationToken cancellationToken)
    {
        try
        {
            var length = await VarInt.ReadAsync(stream, cancellationToken).ConfigureAwait(false);
            if (length is null) return Unreadable("the packet length is not a VarInt");
            if (length > maxBytes) return ActivityRead.Unknown(ActivityOutcome.TooLarge, $"the answer declares {length} bytes, more than {maxBytes}");
            if (length < 1) return Unreadable($"the answer declares a packet of {length} bytes");
            var packet = new byte[length.Value];
            await stream.ReadExactlyAsync(packet, cancellationToken).ConfigureAwait(false);
            return Parse(packet);
        }
        catch (EndOfStreamException)
        {
            return ActivityRead.Unknown(ActivityOutcome.Failed, "the connection closed before the answer was complete");
        }
    }

    /// <summary>A Status Response packet (id and fields, without its length) and its players.online.</summary>
    public static ActivityRead Parse(ReadOnlyMemory<byte> packet)
    {
        if (!VarInt.TryRead(packet.Span, out var id, out var idLength) || id != 0x00)
            return Unreadable("the answer is not a Status Response");
        var rest = packet[idLength..];
        if (!VarInt.TryRead(rest.Span, out var jsonLength, out var prefix) || jsonLength < 0 || jsonLength > rest.Length - prefix)
            return Unreadable("the Status Response's JSON length does not fit its packet");
        return DottedJsonPath.Players(rest.Slice(prefix, jsonLength), ".players.online");
    }

    private static ActivityRead Unreadable(string why) => ActivityRead.Unknown(ActivityOutcome.Unreadable, why);
}
