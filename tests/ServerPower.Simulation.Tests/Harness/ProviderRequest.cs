using ServerPower.Api.Resources;
using ServerPower.Providers.Contract;

namespace ServerPower.Simulation.Tests.Harness;

/// <summary>One call that reached the provider edge: a read (<see cref="Action"/> null) or an action.</summary>
/// <param name="Token">For a restart or rebuild: the one-shot token its reconcile had written as Sending.</param>
/// <param name="Applied">The action changed the server (it may have, even when the answer was lost or unreadable).</param>
internal sealed record ProviderRequest(
    long Seq,
    DateTimeOffset At,
    Fiber Fiber,
    string ServerId,
    ActionType? Action,
    string? Token,
    ProviderOutcome Outcome,
    bool Applied,
    ObservedServer? Observed)
{
    public bool IsRead => Action is null;

    public override string ToString() =>
        (IsRead ? "read" : $"{Action}{(Token is null ? "" : $"[{Token}]")}")
        + $" → {Outcome.Kind}"
        + (Observed is null ? "" : $" {Observed.Power}")
        + (Outcome.RetryAfter is { } ra ? $" Retry-After {ra.TotalSeconds:0.#}s" : "")
        + (Outcome.MayHaveReachedProvider ? " (may have reached)" : "")
        + (Applied && !Outcome.IsAccepted ? " (applied)" : "");
}
