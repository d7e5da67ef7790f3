namespace ServerPower.Operator.Decision;

/// <summary>
/// Bounds for every string the decision writes to status or events. A provider may answer with any amount of text;
/// an unbounded message would make the status patch fail (the CRD caps these fields) and the action be retried.
/// </summary>
public static class Text
{
    /// <summary>Condition, lastAction, one-shot and event messages (the CRD's maxLength for those messages).</summary>
    public const int MaxMessageLength = 1024;

    /// <summary>status.providerState (the CRD's maxLength).</summary>
    public const int MaxStateLength = 128;

    public static string Bound(string text, int max = MaxMessageLength) =>
        text.Length <= max ? text : string.Concat(text.AsSpan(0, max - 1), "…");

    public static string? BoundOrNull(string? text, int max = MaxMessageLength) => text is null ? null : Bound(text, max);
}
