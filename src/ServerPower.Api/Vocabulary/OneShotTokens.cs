using System.Globalization;
using System.Text.RegularExpressions;

namespace ServerPower.Api.Vocabulary;

/// <summary>
/// The rule a one-shot annotation value must follow before anything is sent (the operator checks it), and fresh
/// values that follow it (the kubectl plugin sets them).
/// </summary>
public static partial class OneShotTokens
{
    public const string Rule = "1 to 63 characters of letters, digits, '.', '_', ':' or '-', starting and ending with a letter or digit";

    // \z, not $: $ also matches before a final line break.
    [GeneratedRegex("^[A-Za-z0-9]([A-Za-z0-9._:-]{0,61}[A-Za-z0-9])?\\z", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();

    public static bool IsValid(string value) => Pattern().IsMatch(value);

    /// <summary>
    /// Why the value of one-shot annotation <paramref name="annotation"/> (restart, rebuild, wake) is refused, or null
    /// when it is a valid token.
    /// </summary>
    public static string? Invalid(string annotation, string? value) =>
        value is not null && value.Length <= Annotations.MaxTokenLength && IsValid(value)
            ? null
            : $"annotation {annotation} must be {Rule}; it is ignored and nothing is sent for it";

    /// <summary>A new token: the UTC time to the second and six random hex digits, e.g. <c>20261130T101500Z-3f9a1c</c>.</summary>
    public static string New(DateTimeOffset now, Random random) =>
        now.ToUniversalTime().ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture) + "-"
        + random.Next(0, 1 << 24).ToString("x6", CultureInfo.InvariantCulture);
}
