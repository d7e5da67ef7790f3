using System.Text;

namespace ServerPower.Providers.Activity;

/// <summary>
/// Source A2S_INFO (Valve developer wiki "Server queries"). The request is FF FF FF FF 54 "Source Engine Query\0",
/// followed by a 4-byte challenge when the server asked for one. A server answers either FF FF FF FF 41 and a 4-byte
/// challenge (to be appended to a resent request) or FF FF FF FF 49: protocol (byte), name, map, folder, game (each a
/// NUL-terminated string), id (short), players, max players, bots (bytes), and more that is not read. The count is
/// players minus bots.
/// </summary>
public static class A2sInfo
{
    /// <summary>The largest datagram a server sends (larger answers come split into packets, which this does not read).</summary>
    public const int MaxDatagramBytes = 1400;

    private static readonly byte[] Header = [0xFF, 0xFF, 0xFF, 0xFF];
    private static readonly byte[] Query = [0xFF, 0xFF, 0xFF, 0xFF, 0x54, .. Encoding.ASCII.GetBytes("Source Engine Query"), 0x00];

    public static byte[] Request(ReadOnlySpan<byte> challenge = default) => [.. Query, .. challenge];

    /// <summary>One answer datagram: a count, a challenge to resend with, or Unreadable saying why. Never throws.</summary>
    public static A2sAnswer Parse(ReadOnlySpan<byte> datagram)
    {
        if (datagram.Length < 5) return Unreadable("the answer is shorter than a header");
        if (!datagram[..4].SequenceEqual(Header))
            return Unreadable(datagram[0] == 0xFE ? "the answer is split into packets, which an A2S_INFO answer never needs" : "the answer has no A2S header");
        var body = datagram[5..];
        switch (datagram[4])
        {
            case 0x41:
                return body.Length == 4 ? new A2sAnswer(null, body.ToArray()) : Unreadable("the challenge is not 4 bytes");
            case 0x49:
                // protocol byte, then name, map, folder and game, each up to its NUL.
                var at = 1;
                for (var s = 0; s < 4; s++)
                {
                    if (at > body.Length) return Unreadable("the answer ends inside its strings");
                    var end = body[at..].IndexOf((byte)0);
                    if (end < 0) return Unreadable("the answer ends inside its strings");
                    at += end + 1;
                }
                // id (2 bytes), players, max players, bots.
                if (body.Length < at + 5) return Unreadable("the answer ends before its player counts");
                int players = body[at + 2], bots = body[at + 4];
                return bots > players
                    ? Unreadable($"the answer counts {bots} bots of {players} players")
                    : new A2sAnswer(ActivityRead.Count(players - bots, $"{players - bots} players ({bots} bots not counted)"), null);
            default:
                return Unreadable($"the answer is of type 0x{datagram[4]:X2}, not an A2S_INFO answer");
        }
    }

    private static A2sAnswer Unreadable(string why) => new(ActivityRead.Unknown(ActivityOutcome.Unreadable, why), null);
}
