using System.Globalization;
using System.Text.RegularExpressions;

namespace ServerPower.Api.Serialization;

/// <summary>Durations as Kubernetes and Go write them: <c>90s</c>, <c>10m</c>, <c>1h30m</c>.</summary>
public static partial class GoDuration
{
    /// <summary>The pattern the CRD schema enforces too.</summary>
    public const string Pattern = "^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$";

    [GeneratedRegex("([0-9]+(?:\\.[0-9]+)?)(ms|s|m|h)")]
    private static partial Regex Part();

    [GeneratedRegex(Pattern)]
    private static partial Regex Whole();

    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        if (string.IsNullOrEmpty(text) || !Whole().IsMatch(text)) return false;
        foreach (Match m in Part().Matches(text))
        {
            var n = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
            value += m.Groups[2].Value switch
            {
                "ms" => TimeSpan.FromMilliseconds(n),
                "s" => TimeSpan.FromSeconds(n),
                "m" => TimeSpan.FromMinutes(n),
                _ => TimeSpan.FromHours(n),
            };
        }
        return true;
    }

    public static string Format(TimeSpan value)
    {
        if (value.TotalMilliseconds < 1000) return $"{(long)value.TotalMilliseconds}ms";
        var parts = "";
        if (value.Hours + value.Days * 24 > 0) parts += $"{(int)value.TotalHours}h";
        if (value.Minutes > 0) parts += $"{value.Minutes}m";
        if (value.Seconds > 0 || parts.Length == 0) parts += $"{value.Seconds}s";
        return parts;
    }
}
