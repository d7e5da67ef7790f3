namespace ServerPower.Providers.Activity;

/// <summary>The bounds of every activity read.</summary>
public sealed record ActivityReaderOptions
{
    /// <summary>A read with no complete answer within this long is unknown (TimedOut); it covers resolving, connecting and every exchange.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The longest Minecraft status packet or HTTP body read, in bytes. A status answer may carry a 64x64 PNG favicon in
    /// base64 (tens of KiB); a longer or longer-declared answer is TooLarge and is not allocated.
    /// </summary>
    public int MaxAnswerBytes { get; init; } = 128 * 1024;
}
