namespace ServerPower.Providers.Activity;

/// <summary>
/// The Minecraft protocol's VarInt (wiki.vg "Protocol", Data types): a 32-bit integer in groups of 7 bits, least
/// significant first, the high bit of each byte set when another byte follows; at most 5 bytes.
/// </summary>
public static class VarInt
{
    public const int MaxBytes = 5;

    public static void Write(int value, List<byte> into)
    {
        var rest = (uint)value;
        while (rest >= 0x80)
        {
            into.Add((byte)(rest | 0x80));
            rest >>= 7;
        }
        into.Add((byte)rest);
    }

    public static byte[] Encode(int value)
    {
        var bytes = new List<byte>(MaxBytes);
        Write(value, bytes);
        return [.. bytes];
    }

    /// <summary>
    /// Reads one VarInt at the start of <paramref name="source"/>: true with its value and length, false when
    /// <paramref name="source"/> ends inside it or it runs past <see cref="MaxBytes"/> (<paramref name="length"/> is then 0).
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> source, out int value, out int length)
    {
        uint result = 0;
        for (var i = 0; i < MaxBytes && i < source.Length; i++)
        {
            result |= (uint)(source[i] & 0x7F) << (7 * i);
            if ((source[i] & 0x80) == 0)
            {
                value = (int)result;
                length = i + 1;
                return true;
            }
        }
        value = 0;
        length = 0;
        return false;
    }

    /// <summary>
    /// Reads one VarInt from <paramref name="stream"/> a byte at a time (nothing past it); null when it runs past
    /// <see cref="MaxBytes"/>. <see cref="EndOfStreamException"/> when the stream ends inside it.
    /// </summary>
    public static async Task<int?> ReadAsync(Stream stream, CancellationToken cancellationToken)
    {
        var one = new byte[1];
        uint result = 0;
        for (var i = 0; i < MaxBytes; i++)
        {
            await stream.ReadExactlyAsync(one, cancellationToken).ConfigureAwait(false);
            result |= (uint)(one[0] & 0x7F) << (7 * i);
            if ((one[0] & 0x80) == 0) return (int)result;
        }
        return null;
    }
}
