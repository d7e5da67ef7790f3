namespace ServerPower.Api.Serialization;

/// <summary>A value a user wrote, shown in a one-line message (a condition, an event, a plugin error).</summary>
public static class UserText
{
    public const int MaxShown = 40;

    /// <summary>Quoted; line breaks and other control characters shown as '?'; cut short with '…' when long.</summary>
    public static string Quote(string? text, char quote = '"')
    {
        if (text is null) return "(none)";
        var cut = text.Length <= MaxShown ? text : text[..(char.IsHighSurrogate(text[MaxShown - 1]) ? MaxShown - 1 : MaxShown)];
        var shown = string.Concat(cut.Select(c => char.IsControl(c) || c is '\u2028' or '\u2029' ? '?' : c));
        return $"{quote}{shown}{(cut.Length < text.Length ? "…" : "")}{quote}";
    }
}
