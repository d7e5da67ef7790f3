using ServerPower.Api.Resources;
using ServerPower.Api.Serialization;
using ServerPower.Api.Vocabulary;

namespace ServerPower.Operator.Decision;

/// <summary>
/// spec.startAfter in the decision: no start before every dependency is Ready with desired state Running; no stop while
/// a dependent is also being stopped and still runs. Observe never acts, so order does not apply to it; a deletion waits
/// for its dependents at most stop.gracePeriod, so the operator's own rules never block a deletion.
/// </summary>
internal static class OrderRules
{
    /// <summary>spec.startAfter names a missing server or forms a cycle: nothing is sent (a deletion goes on regardless).</summary>
    public static string? Invalid(Draft d) =>
        d.Deleting ? null : d.Input.Dependencies?.Invalid;

    /// <summary>Ready=False WaitingForDependencies when a start must wait; null when it may go.</summary>
    public static Decision? HoldStart(Draft d)
    {
        if (d.Input.Dependencies is not { NotReady.Count: > 0 } deps) return null;
        var names = string.Join(", ", deps.NotReady);
        d.Ready(false, Reasons.WaitingForDependencies, $"not started until {names} {(deps.NotReady.Count == 1 ? "is" : "are")} Ready with desired state Running (spec.startAfter)");
        return d.Wait(d.Input.Settings.ResyncPeriod);
    }

    /// <summary>
    /// Ready=False WaitingForDependencies when a stop must wait for dependents to stop first; null when it may go.
    /// Dependents still declared Running are waited for at most the stop-order window (status.stopHeldSince): their
    /// own stop may be on its way.
    /// </summary>
    public static Decision? HoldStop(Draft d)
    {
        if (d.Input.Dependencies is not { } deps) return null;
        if (deps.StoppingDependents.Count == 0) return HoldForRunningDependents(d, deps.RunningDependents ?? []);
        var names = string.Join(", ", deps.StoppingDependents);
        if (d.Deleting && d.Input.Server.Metadata.DeletionTimestamp is { } deleted)
        {
            var (grace, shown, _) = d.Grace;
            var waited = d.Input.Now - new DateTimeOffset(DateTime.SpecifyKind(deleted, DateTimeKind.Utc));
            if (waited >= grace)
            {
                d.Event(true, Reasons.WaitingForDependencies, $"{names} did not stop within {shown} of the deletion; stopping this server anyway");
                return null;
            }
            d.Ready(false, Reasons.WaitingForDependencies, $"being deleted: stopped once {names} stopped (they list this server in spec.startAfter), at most {shown} after the deletion");
            var left = grace - waited;
            return d.Wait(d.Input.Settings.Bounded(left));
        }
        d.Ready(false, Reasons.WaitingForDependencies, $"not stopped until {names} stopped (they list this server in spec.startAfter)");
        return d.Wait(d.Input.Settings.ResyncPeriod);
    }

    private static Decision? HoldForRunningDependents(Draft d, IReadOnlyList<string> running)
    {
        if (running.Count == 0) return null;
        var names = string.Join(", ", running);
        var window = d.Input.Settings.StopOrderWindow;
        var since = d.Input.Server.Status?.StopHeldSince ?? d.Input.Now;
        d.Status = d.Status with { StopHeldSince = since };
        var left = since + window - d.Input.Now;
        if (left <= TimeSpan.Zero)
        {
            d.Event(true, Reasons.WaitingForDependencies, $"{names} {(running.Count == 1 ? "lists" : "list")} this server in spec.startAfter and {(running.Count == 1 ? "is" : "are")} still declared Running {GoDuration.Format(window)} after its stop; stopping it anyway");
            return null;
        }
        d.Ready(false, Reasons.WaitingForDependencies, d.WithDeletionHint($"not stopped yet: {names} {(running.Count == 1 ? "lists" : "list")} this server in spec.startAfter and {(running.Count == 1 ? "is" : "are")} still declared Running; if {(running.Count == 1 ? "it is" : "they are")} declared Stopped within {GoDuration.Format(window)} {(running.Count == 1 ? "it stops" : "they stop")} first, otherwise this server stops then"));
        return d.Wait(d.Input.Settings.Bounded(left));
    }
}
