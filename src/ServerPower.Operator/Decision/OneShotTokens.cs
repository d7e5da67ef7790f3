using System.Text.RegularExpressions;

namespace ServerPower.Operator.Decision;

/// <summary>The rule a one-shot annotation value must follow before anything is sent.</summary>
public static partial class OneShotTokens
{
    public const string Rule = "1 to 63 characters of letters, digits, '.', '_', ':' or '-', starting and ending with a letter or digit";

    [GeneratedRegex("^[A-Za-z0-9]([A-Za-z0-9._:-]{0,61}[A-Za-z0-9])?$")]
    private static partial Regex Pattern();

    public static bool IsValid(string value) => Pattern().IsMatch(value);
}
