using ServerPower.Api.Resources;
using ServerPower.Api.Serialization;
using ServerPower.Api.Vocabulary;
using ServerPower.Providers.Contract;

namespace ServerPower.Operator.Decision;

/// <summary>
/// spec.autoStop's part of the decision. It applies only while the effective desired state is Running, the policy is
/// Manage (Observe: status.plannedAction says Stop and why), the object is not suspended (the decider returns before)
/// and not being deleted, and the server is running since status.autoStop.startedAt.
/// <list type="bullet">
/// <item>maxRuntime: now - startedAt &gt;= maxRuntime stops it (reason MaxRuntime).</item>
/// <item>Idle: an unbroken run of successful reads of 0 players began at idleSince, now - idleSince &gt;= idleAfter, and
/// now - startedAt &gt;= startupGrace. Unknown is never zero (an unknown read ends the run, <c>IdleRun</c>). The stop
/// is decided twice: without a confirmation read it is a Send the reconciler does not carry out but answers with one
/// more read (<see cref="AutoStopView.Confirmation"/>); with it, only a successful 0 sends the stop.</item>
/// <item>The stop records status.autoStop.stoppedAt and reason and status.desiredState Stopped; from then on
/// <see cref="AutoStopHold"/> keeps the server stopped until it is woken.</item>
/// </list>
/// status.autoStop's read fields change only with the player count, the idle run, or the start and stop fields, so a
/// steady server costs no status write per read.
/// </summary>
internal static class AutoStopDecision
{
    /// <summary>Whether the activity monitor reads this server now: a usable activity target, and the server declared Running.</summary>
    public static bool Reads(Draft d) =>
        !d.Input.Server.Spec.Suspend && !d.Deleting && d.Desired == DesiredPowerState.Running
        && AutoStopRules.Read(d.Input.Server.Spec).Plan?.Activity is not null;

    /// <summary>Records status.autoStop and returns the stop when one is due (with Manage); otherwise null.</summary>
    public static Decision? Stop(Draft d, ProviderView.Resolved provider, ObservedServer? observed)
    {
        var spec = d.Input.Server.Spec;
        if (spec.AutoStop is null)
        {
            d.Status = d.Status with { AutoStop = null };
            return null;
        }
        Record(d, observed);
        var (plan, invalid) = AutoStopRules.Read(spec);
        if (invalid is not null)
        {
            d.Synced(false, Reasons.InvalidSpec, invalid);
            d.Event(true, Reasons.InvalidSpec, invalid);
            return null;
        }
        var notAllowed = plan!.Activity is not null ? d.Input.AutoStop?.NotAllowed : null;
        if (notAllowed is not null) d.Synced(false, Reasons.EndpointNotAllowed, $"spec.autoStop.activity: {notAllowed}");
        // Auto-stopped or being deleted, the effective desired state is already Stopped (Draft.Desired).
        if (d.Desired != DesiredPowerState.Running || !provider.Capabilities.Supports(ActionType.Stop)) return null;
        if (!d.Blind && observed?.Power != PowerState.Running) return null;
        // A confirmation is only taken for an idle stop that was due; the read also ended the idle run it did not confirm.
        if (d.Input.AutoStop?.Confirmation is { Players: not 0 } confirmation)
        {
            var saw = confirmation.Players is { } players ? $"{players} players" : $"an unknown count ({confirmation.Outcome}: {confirmation.Message})";
            d.Event(false, EventReasons.IdleStopCancelled, $"an idle stop was due, but the read right before it saw {saw}: not stopped");
            return null;
        }
        if (Due(d, plan, notAllowed is null) is not var (reason, why)) return null;
        if (d.Observing)
        {
            d.PlanAsManaged(m => Send(m, provider, reason, why));
            return null;
        }
        // An auto-stop is a stop like any other for spec.startAfter: dependents being stopped go first, and one still
        // declared Running is waited for the stop-order window (OrderRules.HoldStop).
        return OrderRules.HoldStop(d) ?? Send(d, provider, reason, why);
    }

    /// <summary>A wait comes back no later than the next auto-stop deadline (idle or maxRuntime) that is still ahead.</summary>
    public static Decision Sooner(Draft d, Decision decision)
    {
        if (decision is not Decision.Wait wait || d.AutoStopped is not null || d.Desired != DesiredPowerState.Running) return decision;
        if (AutoStopRules.Read(d.Input.Server.Spec).Plan is not { } plan || d.Status.AutoStop?.StartedAt is not { } started) return decision;
        var deadlines = new List<DateTimeOffset>();
        if (plan.MaxRuntime is { } max) deadlines.Add(started + max);
        if (plan.IdleAfter is { } idle && d.Input.AutoStop?.Activity?.IdleSince is { } since)
            deadlines.Add(new[] { since + idle, started + plan.StartupGrace }.Max());
        var ahead = deadlines.Select(t => t - d.Input.Now).Where(t => t > TimeSpan.Zero).ToList();
        if (ahead.Count == 0) return decision;
        // The nearest deadline, no sooner than MinPoll; a shorter wait of the decision's own is kept. Written with Min and Max
        // rather than comparisons, whose < and <= would give the same wait when equal (mutants no test can tell apart).
        var next = new[] { ahead.Min(), d.Input.Settings.MinPoll }.Max();
        return wait with { After = wait.After is { } after ? new[] { after, next }.Min() : next };
    }

    /// <summary>Ready's reason and message for a server in its declared state: AutoStopped while auto-stopped.</summary>
    public static void InDesiredState(Draft d, PowerState power)
    {
        if (d.AutoStopped is { StoppedAt: { } at } stopped) ReadinessRules.Ready(d, Reasons.AutoStopped, AutoStopHold.Message(d.Input.Server, stopped.Reason, at));
        else ReadinessRules.Ready(d, Reasons.InDesiredState, $"the server is {power}");
    }

    private static (AutoStopReason, string)? Due(Draft d, AutoStopPlan plan, bool activityAllowed)
    {
        if (d.Status.AutoStop?.StartedAt is not { } started) return null;
        var now = d.Input.Now;
        if (plan.MaxRuntime is { } max && now - started >= max)
            return (AutoStopReason.MaxRuntime, $"it has run since {KubeTimeConverter.Format(started)}, spec.autoStop.maxRuntime is {GoDuration.Format(max)}");
        if (plan.IdleAfter is { } idle && activityAllowed && d.Input.AutoStop?.Activity?.IdleSince is { } since
            && now - since >= idle && now - started >= plan.StartupGrace)
            return (AutoStopReason.Idle, $"every read since {KubeTimeConverter.Format(since)} saw 0 players, spec.autoStop.idleAfter is {GoDuration.Format(idle)}");
        return null;
    }

    /// <summary>Records the auto-stop, then stops: a maxRuntime stop after spec.stop.warning (<see cref="StopWarningRule"/>), an idle one at once.</summary>
    private static Decision Send(Draft d, ProviderView.Resolved provider, AutoStopReason reason, string why)
    {
        var now = KubeTimeConverter.Truncate(d.Input.Now);
        d.Status = d.Status with
        {
            DesiredState = TargetPowerState.Stopped,
            AutoStop = d.Status.AutoStop! with { StoppedAt = now, StoppedGeneration = d.Input.Server.Metadata.Generation, Reason = reason },
        };
        d.Event(false, Reasons.AutoStopped, $"auto-stop ({reason}): {why}; stopping the server");
        if (reason == AutoStopReason.MaxRuntime && StopWarningRule.Before(d, provider) is { } warning) return warning;
        d.Ready(false, Reasons.ActionPending, $"sending Stop: auto-stop ({reason}): {why}");
        return d.Send(new PlannedAction(ActionType.Stop, null, reason));
    }

    /// <summary>status.autoStop from the activity reads and the server's start, keeping the stored record while nothing shown changed.</summary>
    private static void Record(Draft d, ObservedServer? observed)
    {
        var stored = d.Status.AutoStop;
        var activity = d.Input.AutoStop?.Activity;
        var next = new AutoStopStatus
        {
            Players = activity?.Players,
            LastReadTime = Truncate(activity?.LastReadTime) ?? stored?.LastReadTime,
            LastActiveTime = Truncate(activity?.LastActiveTime) ?? stored?.LastActiveTime,
            IdleSince = Truncate(activity?.IdleSince),
            StartedAt = StartedAt(d, stored?.StartedAt, observed),
            StoppedAt = stored?.StoppedAt,
            StoppedGeneration = stored?.StoppedGeneration,
            Reason = stored?.Reason,
        };
        // Read times alone never cause a write: the stored ones stay until something shown changes.
        var same = stored is not null && stored.Players == next.Players && stored.IdleSince == next.IdleSince
            && stored.StartedAt == next.StartedAt && stored.StoppedAt == next.StoppedAt && stored.Reason == next.Reason;
        d.Status = d.Status with { AutoStop = same ? stored : next };
    }

    /// <summary>
    /// When the server last started: first seen Running after it was not (or at first sight), moved to an accepted
    /// restart or rebuild sent later; cleared once it is seen Stopped. A provider that cannot report state: the first
    /// accepted start (a reasserted start is not a new one), a later restart or rebuild; cleared by an accepted stop.
    /// </summary>
    private static DateTimeOffset? StartedAt(Draft d, DateTimeOffset? previous, ObservedServer? observed)
    {
        var last = d.Status.LastAction is { Result: ActionResult.Accepted } accepted && !d.SentElsewhere(accepted) ? accepted : null;
        // The later of the recorded start and an accepted restart or rebuild (Max skips nulls).
        var since = new DateTimeOffset?[] { previous, last is { Type: ActionType.Restart or ActionType.Rebuild } ? last.RequestTime : null }.Max();
        if (d.Blind)
        {
            return last?.Type switch
            {
                ActionType.Stop or ActionType.Kill => null,
                ActionType.Start => previous ?? last.RequestTime,
                _ => since,
            };
        }
        return observed?.Power switch
        {
            PowerState.Running => since ?? KubeTimeConverter.Truncate(d.Input.Now),
            PowerState.Stopped => null,
            _ => previous,
        };
    }

    private static DateTimeOffset? Truncate(DateTimeOffset? time) => time is { } t ? KubeTimeConverter.Truncate(t) : null;
}
