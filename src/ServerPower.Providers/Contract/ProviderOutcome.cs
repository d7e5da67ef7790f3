namespace ServerPower.Providers.Contract;

/// <summary>What became of one provider call. <see cref="Message"/> is the provider's own words, never a secret.</summary>
/// <param name="MayHaveReachedProvider">
/// True when the call failed without an answer after the request may have been delivered (timeout, connection
/// dropped after sending). For a destructive action this means its effect is unknown: Uncertain, never resent.
/// </param>
public sealed record ProviderOutcome(
    OutcomeKind Kind,
    string Message = "",
    TimeSpan? RetryAfter = null,
    bool MayHaveReachedProvider = false)
{
    public bool IsAccepted => Kind == OutcomeKind.Accepted;

    public static ProviderOutcome Accepted(string message = "") => new(OutcomeKind.Accepted, message);

    public static ProviderOutcome Unsupported(string message) => new(OutcomeKind.Unsupported, message);
}
