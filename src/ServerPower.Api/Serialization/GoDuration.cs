using System.Globalization;
using System.Text.RegularExpressions;

namespace ServerPower.Api.Serialization;

/// <summary>
/// Durations as Kubernetes and Go write them: <c>90s</c>, <c>10m</c>, <c>1h30m</c>, <c>1.5h</c>, <c>250ms</c>, from 0 to
/// <see cref="Max"/>. Go's time.ParseDuration has no .NET counterpart, hence this small parser; it is total: any string
/// gives a value within bounds or false, never an exception.
/// </summary>
public static partial class GoDuration
{
    /// <summary>The pattern the CRD schema enforces too.</summary>
    public const string Pattern = "^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$";

    /// <summary>The longest duration any field or flag takes: 8760h (365 days). The CRD enforces it too.</summary>
    public const string MaxText = "8760h";

    public static readonly TimeSpan Max = TimeSpan.FromHours(8760);

    /// <summary>What a value must be, for error messages.</summary>
    public const string Rule = "a duration like 90s, 10m or 1h30m, at most " + MaxText;

    [GeneratedRegex("([0-9]+)(?:\\.([0-9]+))?(ms|s|m|h)", RegexOptions.CultureInvariant)]
    private static partial Regex Part();

    [GeneratedRegex(Pattern, RegexOptions.CultureInvariant)]
    private static partial Regex Whole();

    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        // $ also matches before a final line break; the CRD's RE2 pattern does not.
        if (string.IsNullOrEmpty(text) || text[^1] == '\n' || !Whole().IsMatch(text)) return false;
        decimal ticks = 0;
        foreach (Match m in Part().Matches(text))
        {
            var whole = m.Groups[1].Value.TrimStart('0');
            if (whole.Length > 12) return false; // beyond any bound in every unit; keeps the arithmetic below exact
            // Digits beyond the twelfth are below a tick in every unit.
            var fraction = m.Groups[2].Value is { Length: > 12 } digits ? digits[..12] : m.Groups[2].Value;
            var number = decimal.Parse($"0{whole}.{fraction}0", NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
            ticks += number * m.Groups[3].Value switch
            {
                "ms" => TimeSpan.TicksPerMillisecond,
                "s" => TimeSpan.TicksPerSecond,
                "m" => TimeSpan.TicksPerMinute,
                _ => TimeSpan.TicksPerHour,
            };
            if (ticks > Max.Ticks) return false;
        }
        value = TimeSpan.FromTicks((long)decimal.Round(ticks, MidpointRounding.AwayFromZero));
        return value <= Max;
    }

    /// <summary>
    /// Why <paramref name="text"/> is no value of <paramref name="field"/>, naming both, e.g.
    /// <c>spec.stop.gracePeriod "999999999h" is not a duration like 90s, 10m or 1h30m, at most 8760h</c>.
    /// </summary>
    public static string Invalid(string field, string? text) => $"{field} {UserText.Quote(text)} is not {Rule}";

    /// <summary>Whole milliseconds, hours and above included, read back as the same value.</summary>
    public static string Format(TimeSpan value)
    {
        if (value.TotalMilliseconds < 1000) return $"{(long)value.TotalMilliseconds}ms";
        var parts = "";
        if (value.Hours + value.Days * 24 > 0) parts += $"{(long)value.TotalHours}h";
        if (value.Minutes > 0) parts += $"{value.Minutes}m";
        if (value.Seconds > 0 || parts.Length == 0) parts += $"{value.Seconds}s";
        if (value.Milliseconds > 0) parts += $"{value.Milliseconds}ms";
        return parts;
    }
}
