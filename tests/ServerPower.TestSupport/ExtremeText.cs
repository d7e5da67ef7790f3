using CsCheck;

namespace ServerPower.TestSupport;

/// <summary>
/// Generated strings a user could write into any value the project parses (durations, times, tokens, overrides,
/// schedule fields, plugin arguments): pieces of the valid syntax next to the extremes of each type (long digit runs,
/// years 0000/0001/9999, offsets up to ±23:59 and past them, huge units, fractions), and the characters parsers trip
/// on (unicode digits and letters, all kinds of white space and line breaks, signs, nothing at all).
/// </summary>
public static class ExtremeText
{
    private static readonly string[] Pieces =
    [
        "", "0", "1", "9", "10", "59", "60", "99", "999999999", "99999999999999999999", new string('9', 400), "00000000000000000001",
        ".", ".5", ".000000000001", "0.0000001", "-", "+", "ms", "s", "m", "h", "d", "us", "ns", "µs", "M", "H",
        "8760h", "8760h0m0.001s", "2562047h", "2562048h", "1h30m", "1.5h", "250ms", "90s", "10m",
        "0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "9999-12-31T23:59:59-01:00", "0001-01-01T00:00:00+00:01",
        "0000-01-01", "9999-12-31", "2026-02-29", "2028-02-29", "2026-12-01t18:00:00z", "T", "t", "Z", "z", ":", "-",
        "+23:59", "-23:59", "+24:00", "+18:00", "-14:01", "23:59:60", "24:00", ".123456789012", "until", " until ",
        "Running", "Stopped", "running", "Scheduled",
        " ", "  ", "\t", "\n", "\r\n", "\u00a0", "\u2028", "\u3000", "\0",
        "٣", "３", "߁", "𝟗", "é", "ı", "ſ", "K", "🙂", "\ud800",
        "--", "-n", "--for", "--for=", "--timeout", "-A", "-l", "=", "=true", "a=b", "web", "Web", "a.b", "-odd", "/", "..",
    ];

    /// <summary>One generated value: a few pieces, sometimes joined by a random character.</summary>
    public static readonly Gen<string> Value =
        Gen.Frequency(
            (6, Gen.OneOf(Pieces).Array[0, 6].Select(parts => string.Concat(parts))),
            (2, Gen.Select(Gen.OneOf(Pieces).Array[1, 4], Gen.Char, (parts, c) => string.Join(c, parts))),
            (1, Gen.String));
}
