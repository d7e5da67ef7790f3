namespace ServerPower.Providers.Resilience;

/// <summary>Keeps text that leaves the provider layer small: cut to a bound, ending in "…" when cut.</summary>
internal static class ProviderText
{
    public const string Ellipsis = "…";

    public static string Bound(string text, int maxLength)
    {
        if (text.Length <= maxLength || maxLength < 1)
        {
            return text;
        }

        var keep = maxLength - Ellipsis.Length;
        if (keep > 0 && char.IsHighSurrogate(text[keep - 1]))
        {
            keep--;
        }

        return text[..keep] + Ellipsis;
    }
}
