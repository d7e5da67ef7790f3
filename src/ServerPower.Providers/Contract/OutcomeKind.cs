namespace ServerPower.Providers.Contract;

/// <summary>The shared vocabulary every adapter maps its provider's answers to.</summary>
public enum OutcomeKind
{
    /// <summary>The provider accepted the request (a read answered, an action was taken or queued).</summary>
    Accepted,
    /// <summary>Credentials missing, invalid or revoked (HTTP 401, Wings 403 for a wrong token).</summary>
    Unauthorized,
    /// <summary>Authenticated, but not allowed to do this to this server.</summary>
    Forbidden,
    /// <summary>The server does not exist (or is not visible to this account).</summary>
    NotFound,
    /// <summary>Conflict: the server is busy (installing, transferring, locked); try later.</summary>
    Busy,
    /// <summary>The server is suspended at the provider.</summary>
    Suspended,
    /// <summary>
    /// Too many requests; <see cref="ProviderOutcome.RetryAfter"/> says how long to wait when known. Either the
    /// provider answered 429, or the call was refused before sending (<see cref="ProviderOutcome.NotSent"/>):
    /// the account's own rate limit had no token, every action slot was in use, or a 429 wait is still running.
    /// </summary>
    RateLimited,
    /// <summary>The provider rejected the request as invalid (bad action, missing parameter).</summary>
    Invalid,
    /// <summary>The provider could not be reached or failed (5xx, timeout, connection error, open circuit).</summary>
    Unavailable,
    /// <summary>The provider has no such capability (e.g. kill on Wenium, rebuild on HEO). Nothing was sent.</summary>
    Unsupported,
    /// <summary>
    /// The operator's outbound policy refused every address the endpoint resolved to; nothing connected. The message
    /// names the rule only.
    /// </summary>
    NotAllowed,
}
