namespace ServerPower.Providers.Contract;

/// <summary>
/// What became of one provider call. <see cref="Message"/> is the provider's own words (or ours), never a secret,
/// and at most <see cref="ProviderOptions.MaxMessageLength"/> characters.
/// </summary>
/// <param name="RetryAfter">
/// For RateLimited: how long to wait before calling this account again (the provider's Retry-After, at least
/// the floor delay; or the time until the account's own rate limit has a token; or a short wait for a free
/// action slot). Null when unknown.
/// </param>
/// <param name="MayHaveReachedProvider">
/// True when the request may have been delivered without a readable answer (timeout, connection dropped after
/// sending, an unreadable answer). For a destructive action this means its effect is unknown: Uncertain, never resent.
/// </param>
/// <param name="NotSent">
/// True when no request of this call left the operator: it was refused before sending (an unsupported action,
/// an invalid server id, the account's own rate limit without a token, no free action slot, an open circuit,
/// or a wait the provider asked for with a 429 that has not passed yet). Such a call may be made again later
/// with no risk of a duplicate; MayHaveReachedProvider is then false.
/// </param>
/// <param name="OwnLimit">
/// For RateLimited: the account's own limits refused the call (its <c>spec.rateLimit</c> had no token, or all its
/// <c>spec.maxConcurrentActions</c> slots were in use), not the provider. Such a wait is the operator's, not a
/// Retry-After: it is never held against the whole account, and it ends at once when the PowerProvider's limits change.
/// </param>
public sealed record ProviderOutcome(
    OutcomeKind Kind,
    string Message = "",
    TimeSpan? RetryAfter = null,
    bool MayHaveReachedProvider = false,
    bool NotSent = false,
    bool OwnLimit = false)
{
    public bool IsAccepted => Kind == OutcomeKind.Accepted;

    public static ProviderOutcome Accepted(string message = "") => new(OutcomeKind.Accepted, message);

    public static ProviderOutcome Unsupported(string message) => new(OutcomeKind.Unsupported, message, NotSent: true);

    /// <summary>A refusal before any request was sent.</summary>
    public static ProviderOutcome Refused(OutcomeKind kind, string message, TimeSpan? retryAfter = null) =>
        new(kind, message, retryAfter, MayHaveReachedProvider: false, NotSent: true);
}
