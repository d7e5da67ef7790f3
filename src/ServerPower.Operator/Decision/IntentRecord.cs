using ServerPower.Api.Resources;
using ServerPower.Api.Vocabulary;

namespace ServerPower.Operator.Decision;

/// <summary>
/// Whether an action's record (lastAction Uncertain, a one-shot Sending) must be written, checked against the
/// resourceVersion, before the request is sent. It must for every destructive action (a restart, rebuild or kill:
/// at most once, Guarantee 1), for an auto-stop (status.autoStop holds the server stopped until woken, and must not
/// be decided from a stale view), and for a start or stop that replaces a stop still awaiting its effect (a record
/// lost in a crash would otherwise leave that stop's clock running, and a kill could follow it across the new action,
/// Guarantee 3). Any other start or stop is sent first and recorded with its answer: both are safe to send again, so
/// a crash in between only sends it again, and a converged server costs one status write less.
/// </summary>
public static class IntentRecord
{
    public static bool Needed(PlannedAction action, LastAction? previous) =>
        action.Type is not (ActionType.Start or ActionType.Stop)
        || action.OneShotToken is not null
        || action.AutoStop is not null
        || previous is { Type: ActionType.Stop, SettledTime: null, Result: ActionResult.Accepted or ActionResult.Uncertain };
}
