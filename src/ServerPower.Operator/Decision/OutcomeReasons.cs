using ServerPower.Api.Vocabulary;
using ServerPower.Providers.Contract;

namespace ServerPower.Operator.Decision;

/// <summary>Which Synced reason a failed provider call gives.</summary>
public static class OutcomeReasons
{
    public static string SyncedReason(OutcomeKind kind) => kind switch
    {
        OutcomeKind.Unauthorized or OutcomeKind.Forbidden => Reasons.Unauthorized,
        OutcomeKind.NotFound => Reasons.ServerNotFound,
        OutcomeKind.RateLimited => Reasons.RateLimited,
        OutcomeKind.Invalid => Reasons.InvalidSpec,
        OutcomeKind.Unsupported => Reasons.Unsupported,
        OutcomeKind.NotAllowed => Reasons.EndpointNotAllowed,
        _ => Reasons.ProviderUnavailable,
    };

    /// <summary>Transient failures are retried with the work queue's exponential backoff.</summary>
    public static bool IsTransient(ProviderOutcome outcome) =>
        outcome.Kind is OutcomeKind.Unavailable or OutcomeKind.RateLimited;
}
