using System.Globalization;
using System.Text.RegularExpressions;

namespace ServerPower.Api.Serialization;

/// <summary>
/// RFC 3339 date-times (section 5.6), as a user writes them: <c>2026-12-01T18:00:00Z</c>,
/// <c>2026-12-01t19:00:00.5+01:00</c>. DateTimeOffset's and NodaTime's patterns refuse some of what the RFC allows
/// (lowercase t and z, offsets past ±14:00 or ±18:00, more than 7 or 9 fraction digits), so the shape is checked here
/// and the calendar by DateTime. Total: any string gives a UTC time from 0001-01-01T00:00:00Z to
/// 9999-12-31T23:59:59.9999999Z, or false (a leap second, :60, is refused, as Go and Kubernetes refuse it).
/// </summary>
public static partial class Rfc3339
{
    public const string Earliest = "0001-01-01T00:00:00Z";
    public const string Latest = "9999-12-31T23:59:59Z";

    [GeneratedRegex("^([0-9]{4}-[0-9]{2}-[0-9]{2})[Tt]([0-9]{2}:[0-9]{2}:[0-9]{2})(?:\\.([0-9]+))?(?:[Zz]|([+-])([0-9]{2}):([0-9]{2}))\\z",
        RegexOptions.CultureInvariant)]
    private static partial Regex Shape();

    public static bool TryParse(string? text, out DateTimeOffset value)
    {
        value = default;
        var m = Shape().Match(text ?? "");
        if (!m.Success) return false;
        if (!DateTime.TryParseExact($"{m.Groups[1].Value}T{m.Groups[2].Value}", "yyyy'-'MM'-'dd'T'HH':'mm':'ss",
                CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
            return false;
        var fraction = m.Groups[3].Value;
        var fractionTicks = fraction.Length == 0 ? 0 : long.Parse(fraction.PadRight(7, '0')[..7], CultureInfo.InvariantCulture);
        long offsetTicks = 0;
        if (m.Groups[4].Success)
        {
            var hours = int.Parse(m.Groups[5].Value, CultureInfo.InvariantCulture);
            var minutes = int.Parse(m.Groups[6].Value, CultureInfo.InvariantCulture);
            if (hours > 23 || minutes > 59) return false;
            offsetTicks = (m.Groups[4].Value == "-" ? -1 : 1) * (hours * 60L + minutes) * TimeSpan.TicksPerMinute;
        }
        var utc = local.Ticks + fractionTicks - offsetTicks;
        if (utc < DateTime.MinValue.Ticks || utc > DateTime.MaxValue.Ticks) return false;
        value = new DateTimeOffset(utc, TimeSpan.Zero);
        return true;
    }
}
