using ServerPower.Api.Resources;
using ServerPower.Api.Serialization;
using ServerPower.Api.Vocabulary;
using ServerPower.Providers.Contract;

namespace ServerPower.Operator.Decision;

/// <summary>
/// The reconcile decision: a pure function of (object, provider view, clock, settings). Deciding again on its own
/// output with an unchanged world gives an equal status, so a settled server costs no writes.
/// <list type="bullet">
/// <item>First, whatever else happens: one-shot tokens present when the object is first seen (no status yet) are
/// adopted (Skipped), never executed, even when this pass stops early (suspended, provider missing, read failed).</item>
/// <item>spec.suspend: observe nothing, act on nothing (Ready=False Suspended).</item>
/// <item>The desired state is the input's <see cref="Intent"/> (override, schedule or spec.state, worked out before);
/// when it cannot be known (schedule missing or invalid, override malformed) nothing is sent and Synced and Ready say
/// why, unless the object is being deleted with deletionPolicy Stop.</item>
/// <item>An invalid annotation value gives Synced=False InvalidSpec and that one-shot is ignored; the declared state
/// and deletion go on.</item>
/// <item>One action per reconcile, in this order: a one-shot left in Sending becomes Uncertain (never resent);
/// then a new rebuild token; then a new restart token; then the declared power state.</item>
/// <item>An accepted action's effect is awaited until the provider reports the declared state (lastAction.settledTime)
/// or its window passes (start: StartEffectTimeout; stop: stop.gracePeriod). After that, any difference is drift
/// and is acted on at the first observation.</item>
/// <item>Kill only escalates a Stop that was accepted and outlived stop.gracePeriod while the server did not report
/// Stopped (Stopping included). An interrupted kill is followed by a stop.</item>
/// <item>Every action is recorded (lastAction Uncertain, a one-shot Sending) in the status returned with it, which the
/// reconciler writes checked against resourceVersion before sending.</item>
/// <item>State-blind providers (HEO) get the declared action when it changes, is first seen, failed, or
/// reassertInterval elapsed; Ready=True ActionAccepted reports that the provider cannot tell state.</item>
/// <item>Deletion is never blocked by the operator's own rules; where the server cannot be stopped, Ready says why and
/// that deletionPolicy Orphan lets the object go.</item>
/// </list>
/// </summary>
public static class ServerPowerDecider
{
    /// <summary>status.providerState of a server whose provider cannot report state, once an action was accepted.</summary>
    public const string BlindRequested = "requested";

    public static bool ShouldReadState(ServerPowerResource server, ProviderCapabilities capabilities) =>
        !server.Spec.Suspend && capabilities.CanReadState;

    /// <summary>Whether the activity monitor reads this server's players now (<see cref="AutoStopDecision.Reads"/>).</summary>
    public static bool ActivityRuns(DecisionInput input) => AutoStopDecision.Reads(Draft.Begin(input));

    /// <summary>Whether the prober runs this server's readiness probe (<see cref="ReadinessRules.Probed"/>).</summary>
    public static bool ProbeRuns(DecisionInput input) => ReadinessRules.Probed(Draft.Begin(input));

    /// <summary>
    /// The start a readiness probe counts from: the request time of the last start, restart or rebuild (null when there
    /// was none). For a provider that cannot report state a start is re-asserted on a running server, so only a restart
    /// or rebuild counts there.
    /// </summary>
    public static DateTimeOffset? ProbeSince(ServerPowerStatus? status, bool blind) =>
        status?.LastAction is { } last && (last.Type is ActionType.Restart or ActionType.Rebuild || (!blind && last.Type == ActionType.Start))
            ? last.RequestTime
            : null;

    /// <summary>
    /// Decides. With managementPolicy Observe (which never acts) status.plannedAction also says what Manage would do
    /// now and why; where the two part (only where Manage would act), Manage's branch is decided on a copy of the
    /// draft (<see cref="Draft.PlanAsManaged"/>). Tokens Observe adopted are not planned. With Manage, plannedAction
    /// is absent.
    /// </summary>
    public static Decision Decide(DecisionInput input)
    {
        var d = Draft.Begin(input);
        var spec = input.Server.Spec;
        var invalid = InvalidTokens(input.Server);
        AdoptAtFirstSight(d, invalid);
        OverrideEvents.Record(d);
        if (spec.Suspend)
        {
            d.Ready(false, Reasons.Suspended, "spec.suspend is true: the operator observes and changes nothing");
            if (!d.Deleting) return d.Wait(input.Settings.ResyncPeriod);
            d.Event(false, EventReasons.FinalizerReleased, "suspended: the server was not stopped before deletion");
            return d.Release();
        }
        if (input.Conflict is { } conflict) return Conflicting(d, conflict, invalid);
        foreach (var (_, message) in invalid)
        {
            d.Synced(false, Reasons.InvalidSpec, message);
            d.Event(true, Reasons.InvalidSpec, message);
        }
        ReadinessRules.Record(d);
        if (d.Unknown is { } unknown)
        {
            // No desired state can be known (schedule missing or invalid, override malformed): the server is left as it is.
            d.Synced(false, unknown.Reason, unknown.Message);
            d.Ready(false, unknown.Reason, unknown.Message);
            d.Event(true, unknown.Reason, unknown.Message);
            return d.Wait(input.Settings.ResyncPeriod);
        }
        if (input.Provider is ProviderView.Unresolved unresolved)
        {
            d.Synced(false, unresolved.Reason, unresolved.Message);
            var release = d.Deleting && unresolved.Reason == Reasons.ProviderNotFound;
            d.Ready(false, Reasons.ProviderError, d.Deleting && !release ? d.CannotStopForDeletion(unresolved.Message) : unresolved.Message);
            d.Event(true, unresolved.Reason, unresolved.Message);
            return release ? d.Release() : d.Wait(input.Settings.MaxPoll);
        }
        var provider = (ProviderView.Resolved)input.Provider;

        ResolveInterruptedOneShots(d);
        // The account waits out a 429 (the server that met it recorded RateLimited): the others keep their status as it
        // is, so a wait costs no write per server, and come back when it ends; one with a change waiting says so.
        if (provider.ThrottledFor is { } wait)
        {
            if (ChangeWaits(d, invalid))
                d.Synced(false, Reasons.RateLimited, "the provider answered 429 for this account: nothing is sent until its Retry-After has passed, then this change is acted on");
            return d.Wait(NotSooner(d, wait));
        }

        ObservedServer? observed = null;
        if (!d.Blind)
        {
            var read = provider.Read ?? ReadResult.Failed(new ProviderOutcome(OutcomeKind.Unavailable, "state was not read"));
            // Not `read.Server ?? …`: a read has a server exactly when it was accepted (ReadResult), so swapping the operands of
            // ?? would change nothing (a mutant no test can tell apart).
            observed = read.Server is { } server ? server : read.Outcome.Kind switch
            {
                OutcomeKind.Busy => new ObservedServer(PowerState.Busy, read.Outcome.Message),
                OutcomeKind.Suspended => new ObservedServer(PowerState.Suspended, read.Outcome.Message),
                _ => null,
            };
            if (observed is null) return ReadFailed(d, read.Outcome, invalid);
            d.Status = d.Status with { PowerState = observed.Power, ProviderState = Text.BoundOrNull(observed.RawState, Text.MaxStateLength) };
        }

        if (OrderRules.Invalid(d) is { } badOrder) return HoldInvalidOrder(d, provider, observed, badOrder);
        if (OneShot(d, provider, observed, invalid) is { } oneShot) return oneShot;
        if (AutoStopDecision.Stop(d, provider, observed) is { } autoStop) return autoStop;
        return AutoStopDecision.Sooner(d, d.Blind ? ConvergeBlind(d, provider) : Converge(d, provider, observed!));
    }

    /// <summary>
    /// Another ServerPower owns the server: nothing is read or sent, new tokens are recorded Skipped (they are never
    /// run later, when this one may take over), and a deletion lets the object go without stopping the owner's server.
    /// </summary>
    private static Decision Conflicting(Draft d, string conflict, IReadOnlyDictionary<ActionType, string> invalid)
    {
        SettleNewTokens(d, invalid, OneShotPhase.Skipped, $"{conflict}: not executed");
        d.Synced(false, Reasons.ServerConflict, conflict);
        d.Ready(false, Reasons.ServerConflict, $"{conflict}; this one sends nothing while that one exists");
        d.Event(true, Reasons.ServerConflict, conflict);
        if (!d.Deleting) return d.Wait(d.Input.Settings.ResyncPeriod);
        d.Event(false, EventReasons.FinalizerReleased, "the server belongs to another ServerPower: it was not stopped before deletion");
        return d.Release();
    }

    /// <summary>Decides on the provider's answer to the action <paramref name="sent"/> asked for.</summary>
    public static Decision AfterAction(DecisionInput input, Decision.Send sent, ProviderOutcome outcome)
    {
        var action = sent.Action;
        var d = Draft.After(input, sent);
        var provider = (ProviderView.Resolved)input.Provider;
        if (outcome.NotSent && outcome.Kind is OutcomeKind.RateLimited or OutcomeKind.Unavailable)
            return NotSent(d, action, outcome);
        // Stryker disable once Statement : Decide recorded status.probe from the same readiness input; only the clock differs, which Record reads only for a result without a probe time, which the prober never gives
        ReadinessRules.Record(d);
        var result = outcome.IsAccepted ? ActionResult.Accepted
            : outcome.MayHaveReachedProvider ? ActionResult.Uncertain : ActionResult.Failed;
        var message = Text.Bound(outcome.Message.Length > 0 ? outcome.Message : outcome.Kind.ToString());
        d.Status = d.Status with
        {
            LastAction = new LastAction
            {
                Type = action.Type, Token = action.OneShotToken, RequestTime = KubeTimeConverter.Truncate(input.Now),
                Result = result, Message = message, Target = d.Target,
            },
        };
        if (action.OneShotToken is { } token)
        {
            var phase = result switch
            {
                ActionResult.Accepted => OneShotPhase.Done,
                ActionResult.Uncertain => OneShotPhase.Uncertain,
                _ => OneShotPhase.Failed,
            };
            d.SetOneShot(action.Type, new OneShotStatus { Token = token, Phase = phase, Message = message });
        }

        if (outcome.IsAccepted)
        {
            d.Event(false, EventReasons.Accepted(action.Type), $"{action.Type} accepted by {provider.Type}: {message}");
            if (d.Blind)
            {
                d.Synced(true, Reasons.ReconcileSucceeded, $"{action.Type} accepted by {provider.Type}");
                if (action.Type is ActionType.Start or ActionType.Stop)
                {
                    d.Status = d.Status with { PowerState = PowerState.Unknown, ProviderState = BlindRequested };
                    ReadinessRules.Ready(d, Reasons.ActionAccepted, BlindMessage(provider.Type, d.Status.LastAction!));
                    return d.Deleting && action.Type == ActionType.Stop ? d.Release() : d.Wait(provider.ReassertInterval ?? input.Settings.ResyncPeriod);
                }
                d.Ready(false, Reasons.ActionPending, $"{action.Type} accepted; waiting for the provider to report the result");
            }
            else
            {
                // Worded as the next pass words it while the provider has not moved yet, so that pass writes nothing.
                d.Synced(true, Reasons.ReconcileSucceeded, StateRead(provider));
                AwaitedReady(d, d.Status.LastAction!, d.Status.PowerState);
            }
            return d.Wait(input.Settings.MinPoll);
        }

        d.Event(true, EventReasons.Failed(action.Type), $"{action.Type} failed at {provider.Type}: {outcome.Kind}: {message}");
        switch (outcome.Kind)
        {
            case OutcomeKind.Busy:
                d.Synced(true, Reasons.ReconcileSucceeded, "the provider is busy with this server");
                d.Ready(false, Reasons.ActionPending, $"{action.Type} refused while the server is busy: {message}");
                return d.Wait(input.Settings.MaxPoll);
            case OutcomeKind.Suspended:
                d.Synced(true, Reasons.ReconcileSucceeded, "the server is suspended at the provider");
                d.Ready(false, Reasons.ServerSuspended, $"{action.Type} refused: the server is suspended: {message}");
                return d.Wait(input.Settings.MaxPoll);
            case OutcomeKind.Unsupported:
                d.Ready(false, Reasons.Unsupported, message);
                return d.Wait(input.Settings.ResyncPeriod);
        }
        d.Synced(false, OutcomeReasons.SyncedReason(outcome.Kind), $"{action.Type}: {outcome.Kind}: {message}");
        if (d.Deleting && action.Type == ActionType.Stop && outcome.Kind == OutcomeKind.NotFound)
        {
            d.Ready(false, Reasons.ProviderError, $"the provider does not know the server ({message}); nothing to stop");
            return d.Release();
        }
        if (result == ActionResult.Uncertain && action.OneShotToken is not null)
            // Stryker disable once Statement,Boolean : Draft.Finish sets Ready False OneShotUncertain again, as the annotation of the same input still carries the token
            d.Ready(false, Reasons.OneShotUncertain, UncertainMessage(action.Type));
        else if (d.Deleting && outcome.Kind is OutcomeKind.Forbidden or OutcomeKind.Unauthorized or OutcomeKind.Invalid)
            d.Ready(false, Reasons.ProviderError, d.CannotStopForDeletion($"{action.Type} failed: {message}"));
        else
            d.Ready(false, Reasons.ProviderError, $"{action.Type} failed: {message}");
        if (RetryAfter(d, outcome) is { } retryAfter) return d.Wait(retryAfter);
        // A one-shot is never resent, so there is nothing to retry quickly for it.
        return OutcomeReasons.IsTransient(outcome) && action.OneShotToken is null ? d.Retry() : d.Wait(input.Settings.MaxPoll);
    }

    /// <summary>
    /// The provider layer refused the call before any request left (its rate limit, an open circuit, a 429 wait):
    /// nothing happened, so the action's records go back to what they were and the action is tried again later. A
    /// one-shot token therefore stays new; it is never recorded Failed for a request that was never made.
    /// </summary>
    private static Decision NotSent(Draft d, PlannedAction action, ProviderOutcome outcome)
    {
        var stored = d.Input.Server.Status;
        // A record of another server stays forgotten (see Draft.Begin).
        var last = stored?.LastAction is { } record && d.SentElsewhere(record) ? null : stored?.LastAction;
        d.Status = d.Status with { LastAction = last, History = stored?.History };
        if (action.OneShotToken is not null)
            d.Status = action.Type == ActionType.Rebuild ? d.Status with { Rebuild = stored?.Rebuild } : d.Status with { Restart = stored?.Restart };
        var message = Text.Bound(outcome.Message);
        d.Synced(false, OutcomeReasons.SyncedReason(outcome.Kind), $"{action.Type} not sent yet: {message}");
        d.Ready(false, Reasons.ActionPending, $"{action.Type} waits: {message}");
        return RetryAfter(d, outcome) is { } wait ? d.Wait(wait) : d.Retry();
    }

    private static Decision ReadFailed(Draft d, ProviderOutcome outcome, IReadOnlyDictionary<ActionType, string> invalid)
    {
        var reason = OutcomeReasons.SyncedReason(outcome.Kind);
        var message = Text.Bound(outcome.Message);
        // What the server is now is not known: the last state read is not shown as if it still held.
        d.Status = d.Status with { PowerState = PowerState.Unknown, ProviderState = null };
        if (outcome.Kind == OutcomeKind.NotFound)
            SettleNewTokens(d, invalid, OneShotPhase.Failed, $"the provider does not know the server ({message}); nothing was sent");
        d.Synced(false, reason, $"reading state failed: {outcome.Kind}: {message}");
        var ready = $"cannot read the server's state: {message}";
        d.Ready(false, Reasons.ProviderError, d.Deleting && outcome.Kind != OutcomeKind.NotFound ? d.CannotStopForDeletion(ready) : ready);
        d.Event(true, reason, $"reading state failed: {message}");
        if (d.Deleting && outcome.Kind == OutcomeKind.NotFound)
            return d.Release();
        if (RetryAfter(d, outcome) is { } retryAfter) return d.Wait(retryAfter);
        return OutcomeReasons.IsTransient(outcome) ? d.Retry() : d.Wait(d.Input.Settings.MaxPoll);
    }

    /// <summary>
    /// Records every new valid token in <paramref name="phase"/> with <paramref name="why"/>, for a pass that can send
    /// none of them and never will for this token (the server is unknown to the provider, another ServerPower owns it).
    /// </summary>
    private static void SettleNewTokens(Draft d, IReadOnlyDictionary<ActionType, string> invalid, OneShotPhase phase, string why)
    {
        foreach (var type in Draft.OneShotTypes)
        {
            // token is declared apart from the condition so that a mutation tester flipping the condition still compiles.
            var token = d.Annotation(type);
            if (token is null || invalid.ContainsKey(type) || token == d.OneShotStatus(type)?.Token) continue;
            d.SetOneShot(type, new OneShotStatus { Token = token, Phase = phase, Message = why });
            d.Event(phase == OneShotPhase.Failed, phase == OneShotPhase.Failed ? EventReasons.Failed(type) : EventReasons.Skipped(type), $"{type} token \"{token}\": {why}");
        }
    }

    /// <summary>A one-shot found in Sending: the operator stopped mid-call. Its effect is unknown; never resend it.</summary>
    private static void ResolveInterruptedOneShots(Draft d)
    {
        foreach (var type in Draft.OneShotTypes)
        {
            if (d.OneShotStatus(type) is { Phase: OneShotPhase.Sending } sending)
            {
                d.SetOneShot(type, sending with { Phase = OneShotPhase.Uncertain, Message = UncertainMessage(type) });
                d.Event(true, Reasons.OneShotUncertain, $"{type} token \"{sending.Token}\": {UncertainMessage(type)}");
            }
        }
    }

    /// <summary>
    /// Tokens present when the object is first seen (it has no status yet, or a status without observedGeneration and
    /// one-shot records) are recorded as Skipped before anything else is decided, so that no early return of this or a
    /// later pass (suspended, provider or Secret missing, read failing, another annotation invalid) can leave them to be
    /// executed later. A restore into a new cluster therefore never restarts or rebuilds servers.
    /// </summary>
    private static void AdoptAtFirstSight(Draft d, IReadOnlyDictionary<ActionType, string> invalid)
    {
        var stored = d.Input.Server.Status;
        if (stored is not null && (stored.ObservedGeneration is not null || stored.Restart is not null || stored.Rebuild is not null)) return;
        foreach (var type in Draft.OneShotTypes)
        {
            if (d.Annotation(type) is { } token && !invalid.ContainsKey(type))
                d.SetOneShot(type, new OneShotStatus { Token = token, Phase = OneShotPhase.Skipped, Message = "adopted at first sight; not executed" });
        }
    }

    private static Decision? OneShot(Draft d, ProviderView.Resolved provider, ObservedServer? observed, IReadOnlyDictionary<ActionType, string> invalid)
    {
        var server = d.Input.Server;
        foreach (var type in Draft.OneShotTypes)
        {
            var token = d.Annotation(type);
            if (token is null || invalid.ContainsKey(type) || token == d.OneShotStatus(type)?.Token) continue;
            string? skip = d.HandledAt(type, token) is { } handledAt ? $"already handled at {KubeTimeConverter.Format(handledAt)}"
                : d.Observing ? "managementPolicy is Observe: the operator never acts"
                : d.Deleting ? "the object is being deleted"
                : type == ActionType.Restart && d.Desired == DesiredPowerState.Stopped ? "the declared state is Stopped: nothing to restart"
                : type == ActionType.Restart && observed?.Power == PowerState.Stopped ? "the server was stopped: it is started instead of restarted"
                : null;
            if (skip is not null)
            {
                d.SetOneShot(type, new OneShotStatus { Token = token, Phase = OneShotPhase.Skipped, Message = skip });
                d.Event(false, EventReasons.Skipped(type), $"{type} token \"{token}\" skipped: {skip}");
                continue;
            }
            // InvalidSpec: the spec, not the provider or the server, keeps the token from being sent.
            (string Message, bool InvalidSpec)? fail = !provider.Capabilities.Supports(type) ? ($"{type} is not supported by {provider.Type}; nothing was sent", false)
                : type == ActionType.Rebuild && provider.Capabilities.RebuildUsesSpec && string.IsNullOrWhiteSpace(server.Spec.Rebuild?.OsId)
                    ? ($"spec.rebuild.osId is required for a {provider.Type} rebuild; nothing was sent", true)
                : observed?.Power == PowerState.Suspended ? ($"the server is suspended at {provider.Type}; nothing was sent", false)
                : null;
            if (fail is { } failed)
            {
                d.SetOneShot(type, new OneShotStatus { Token = token, Phase = OneShotPhase.Failed, Message = failed.Message });
                d.Event(true, EventReasons.Failed(type), $"{type} token \"{token}\": {failed.Message}");
                if (failed.InvalidSpec) d.Synced(false, Reasons.InvalidSpec, failed.Message);
                continue;
            }
            // In transition the one-shot waits; the declared state is still looked after (a stop may need its kill).
            if (observed?.Power is PowerState.Busy or PowerState.Starting or PowerState.Stopping) return null;
            if (type == ActionType.Rebuild && !provider.Capabilities.RebuildUsesSpec && server.Spec.Rebuild is not null)
                d.Event(false, EventReasons.RebuildSpecIgnored, $"{provider.Type} reinstalls the server as configured there; spec.rebuild is ignored");
            d.SetOneShot(type, new OneShotStatus { Token = token, Phase = OneShotPhase.Sending });
            d.Ready(false, Reasons.ActionPending, $"sending {type} (token \"{token}\")");
            return d.Send(new PlannedAction(type, token));
        }
        return null;
    }

    private static Decision Converge(Draft d, ProviderView.Resolved provider, ObservedServer observed)
    {
        var settings = d.Input.Settings;
        var desired = d.DesiredPower;
        var last = d.Status.LastAction;
        d.Synced(true, Reasons.ReconcileSucceeded, StateRead(provider));
        if (observed.Power == desired)
        {
            // An Uncertain action settles too: its answer may still be recorded later (by an old leader that thawed), and
            // must not then read as an effect still awaited.
            if (last is { Result: ActionResult.Accepted or ActionResult.Uncertain, SettledTime: null } && Settles(d, last, desired))
                d.Status = d.Status with { LastAction = last with { SettledTime = KubeTimeConverter.Truncate(d.Input.Now) } };
            AutoStopDecision.InDesiredState(d, observed.Power);
            return d.Deleting ? d.Release() : d.Wait(settings.ResyncPeriod);
        }
        switch (observed.Power)
        {
            case PowerState.Suspended:
                d.Ready(false, Reasons.ServerSuspended, $"the server is suspended at {provider.Type}");
                return d.Wait(settings.MaxPoll);
            case PowerState.Unknown:
                d.Ready(false, Reasons.ProviderError, $"the provider reported an unknown state \"{observed.RawState}\"");
                return d.Wait(settings.MaxPoll);
        }
        if (d.Observing)
        {
            d.PlanAsManaged(m => ConvergeManaged(m, provider, observed));
            var (reason, text) = observed.Power switch
            {
                PowerState.Starting => (Reasons.Starting, "the server is starting"),
                PowerState.Stopping => (Reasons.Stopping, "the server is stopping"),
                PowerState.Busy => (Reasons.ActionPending, $"the provider reports {observed.RawState}"),
                _ => (Reasons.NotInDesiredState, $"the server is {observed.Power}, declared {d.Desired}"),
            };
            d.Ready(false, reason, $"{text}; managementPolicy Observe never acts");
            return d.Wait(reason == Reasons.NotInDesiredState ? settings.ResyncPeriod : Poll(d));
        }
        return ConvergeManaged(d, provider, observed);
    }

    private static Decision ConvergeManaged(Draft d, ProviderView.Resolved provider, ObservedServer observed) =>
        d.DesiredPower == PowerState.Stopped ? ConvergeStopped(d, provider, observed) : ConvergeRunning(d, provider, observed);

    /// <summary>
    /// Whether the declared state now observed is the action's effect. A restart or rebuild passes through other
    /// states, so the server seen Running right after one (before it went down, or a provider's cached answer) settles
    /// it only once a different state was stored since (Unknown included: a failed read in between hides what the server
    /// went through), or after the start window.
    /// </summary>
    private static bool Settles(Draft d, LastAction last, PowerState desired) =>
        last.Type is not (ActionType.Restart or ActionType.Rebuild)
        || d.Input.Server.Status?.PowerState is { } stored && stored != desired
        // Seen in the declared state twice, the second time a full poll window after the request: no stale answer lasts that long.
        || d.Input.Server.Status?.PowerState == desired && d.Input.Now - last.RequestTime >= d.Input.Settings.MaxPoll
        || d.Input.Now - last.RequestTime >= d.Input.Settings.StartEffectTimeout;

    private static string StateRead(ProviderView.Resolved provider) => $"state read from {provider.Type}";

    private static string AwaitedStart(LastAction last) =>
        $"{last.Type} accepted at {KubeTimeConverter.Format(last.RequestTime)}; waiting for the server (starting)";

    /// <summary>
    /// Ready while an accepted action's effect is awaited (<paramref name="observed"/>: what the provider reports). The
    /// answer to the action writes it too, so the pass after the answer rewrites nothing while the provider has not moved
    /// (at 10,000 servers that rewording was a fourth status write per converging server).
    /// </summary>
    private static void AwaitedReady(Draft d, LastAction last, PowerState? observed)
    {
        if (last.Type is ActionType.Stop or ActionType.Kill)
            d.Ready(false, observed == PowerState.Stopping ? Reasons.Stopping : Reasons.ActionPending, d.WithDeletionHint(
                $"{last.Type} accepted at {KubeTimeConverter.Format(last.RequestTime)}; waiting for the server (stopping, grace period {d.Grace.Shown})"));
        else
            d.Ready(false, Reasons.ActionPending, AwaitedStart(last));
    }

    /// <summary>The last action is accepted, its effect not yet seen, and it is one of <paramref name="types"/>.</summary>
    private static bool Awaited(LastAction? last, params ActionType[] types) =>
        last is { Result: ActionResult.Accepted, SettledTime: null } && types.Contains(last.Type);

    private static Decision ConvergeRunning(Draft d, ProviderView.Resolved provider, ObservedServer observed)
    {
        var settings = d.Input.Settings;
        var last = d.Status.LastAction;
        var awaited = Awaited(last, ActionType.Start, ActionType.Restart, ActionType.Rebuild);
        var inWindow = awaited && d.Input.Now - last!.RequestTime < settings.StartEffectTimeout;
        if (inWindow || observed.Power is PowerState.Starting or PowerState.Stopping or PowerState.Busy)
        {
            var (reason, text) = observed.Power switch
            {
                PowerState.Starting => (Reasons.Starting, "the server is starting"),
                PowerState.Stopping => (Reasons.Stopping, "the server is stopping; it is started once it has stopped"),
                PowerState.Busy => (Reasons.ActionPending, $"the provider reports {observed.RawState}; waiting"),
                _ => (Reasons.ActionPending, AwaitedStart(last!)),
            };
            d.Ready(false, reason, text);
            return d.Wait(Poll(d));
        }
        if (OrderRules.HoldStart(d) is { } wait) return wait;
        if (awaited)
            d.Event(true, EventReasons.StartTimedOut, $"the server did not start within {GoDuration.Format(settings.StartEffectTimeout)}; sending start again");
        return Send(d, provider, ActionType.Start, $"the server is {observed.Power}, declared {d.Desired}");
    }

    private static Decision ConvergeStopped(Draft d, ProviderView.Resolved provider, ObservedServer observed)
    {
        var last = d.Status.LastAction;
        var stop = d.Input.Server.Spec.Stop ?? new StopSpec();
        var (grace, shown, invalidGrace) = d.Grace;
        if (invalidGrace is not null)
        {
            d.Synced(false, Reasons.InvalidSpec, d.Deleting ? $"{invalidGrace}; the deletion goes on with the default {shown}" : invalidGrace);
            d.Event(true, Reasons.InvalidSpec, invalidGrace);
            if (!d.Deleting)
            {
                d.Ready(false, Reasons.InvalidSpec, $"{invalidGrace}; nothing is sent until spec.stop.gracePeriod is fixed");
                return d.Wait(d.Input.Settings.ResyncPeriod);
            }
        }
        var awaited = Awaited(last, ActionType.Stop, ActionType.Kill);
        if (awaited && !StopGrace.Outlived(last!.RequestTime, d.Input.Now, grace))
        {
            AwaitedReady(d, last, observed.Power);
            return d.Wait(Poll(d));
        }
        // Past the grace period only a server still Stopping is failing to finish the stop; one seen Running, Starting or
        // Busy came back up (started outside the operator, or the stop never took): it gets a new graceful stop, never a
        // kill.
        var stillStopping = awaited && observed.Power == PowerState.Stopping;
        if (!stillStopping && observed.Power is PowerState.Starting or PowerState.Busy)
        {
            d.Ready(false, observed.Power == PowerState.Starting ? Reasons.Starting : Reasons.ActionPending,
                d.WithDeletionHint($"the provider reports {observed.RawState}; it is stopped once that ends"));
            return d.Wait(Poll(d));
        }
        if (!awaited)
            return OrderRules.HoldStop(d) ?? StopWarningRule.Before(d, provider) ?? Send(d, provider, ActionType.Stop, $"the server is {observed.Power}, declared {d.Desired}");
        if (!stillStopping)
        {
            // A server up again takes its dependents down with it like a first stop would: the order holds for it too.
            if (OrderRules.HoldStop(d) is { } held) return held;
            d.Event(true, EventReasons.StopNotInEffect,
                $"the server is {observed.Power} after the {last!.Type} accepted at {KubeTimeConverter.Format(last.RequestTime)}; sending a new graceful stop");
            return Send(d, provider, ActionType.Stop, $"the server is {observed.Power} after the {last.Type} accepted at {KubeTimeConverter.Format(last.RequestTime)}");
        }

        // A stop (or kill) was accepted and has outlived the grace period while the server is still Stopping.
        if (last!.Type == ActionType.Stop && stop.OnTimeout == StopTimeoutAction.Kill && provider.Capabilities.Supports(ActionType.Kill))
        {
            d.Event(true, EventReasons.StopTimedOut, $"the server did not stop within {shown}; killing it");
            return Send(d, provider, ActionType.Kill, $"the server is still {observed.Power} {shown} after the stop");
        }
        var why = last.Type == ActionType.Kill ? "the kill did not stop it either; "
            : stop.OnTimeout == StopTimeoutAction.Kill ? $"{provider.Type} has no kill; " : "";
        d.Event(true, EventReasons.StopTimedOut, $"the server did not stop within {shown}; {why}sending stop again");
        return Send(d, provider, ActionType.Stop, $"the server is still {observed.Power}");
    }

    /// <summary>spec.startAfter is invalid: nothing is sent until it is fixed; the state read is still reported.</summary>
    private static Decision HoldInvalidOrder(Draft d, ProviderView.Resolved provider, ObservedServer? observed, string why)
    {
        d.Synced(false, Reasons.InvalidSpec, why);
        d.Event(true, Reasons.InvalidSpec, why);
        if (observed?.Power == d.DesiredPower) AutoStopDecision.InDesiredState(d, observed.Power);
        else d.Ready(false, Reasons.WaitingForDependencies, $"{why}; nothing is sent until spec.startAfter is fixed");
        if (d.Blind) d.Status = d.Status with { PowerState = PowerState.Unknown };
        return d.Wait(d.Input.Settings.ResyncPeriod);
    }

    private static Decision Send(Draft d, ProviderView.Resolved provider, ActionType action, string why)
    {
        if (!provider.Capabilities.Supports(action))
        {
            d.Ready(false, Reasons.Unsupported, $"{action} is not supported by {provider.Type}");
            return d.Wait(d.Input.Settings.ResyncPeriod);
        }
        d.Ready(false, Reasons.ActionPending, $"sending {action}: {why}");
        return d.Send(new PlannedAction(action, null));
    }

    private static Decision ConvergeBlind(Draft d, ProviderView.Resolved provider)
    {
        d.Status = d.Status with { PowerState = PowerState.Unknown };
        if (!d.Observing) return ConvergeBlindManaged(d, provider);
        d.PlanAsManaged(m => ConvergeBlindManaged(m, provider));
        d.Synced(true, Reasons.ReconcileSucceeded, $"{provider.Type} cannot report state");
        ReadinessRules.Ready(d, Reasons.ActionAccepted, $"{provider.Type} cannot report power state; managementPolicy Observe never acts");
        return d.Wait(d.Input.Settings.ResyncPeriod);
    }

    /// <summary>A provider that cannot report state gets the declared action when it changes, is first seen, failed, or reassertInterval elapsed.</summary>
    private static Decision ConvergeBlindManaged(Draft d, ProviderView.Resolved provider)
    {
        var settings = d.Input.Settings;
        var wanted = d.Desired == DesiredPowerState.Running ? ActionType.Start : ActionType.Stop;
        var last = d.Status.LastAction;
        var matches = last is not null && (wanted == ActionType.Start ? last.Type is ActionType.Start or ActionType.Restart : last.Type == ActionType.Stop);
        var reassertDue = provider.ReassertInterval is { } every && last is not null && d.Input.Now - last.RequestTime >= every;
        if (matches && last!.Result == ActionResult.Accepted && !reassertDue)
        {
            d.Status = d.Status with { ProviderState = BlindRequested };
            d.Synced(true, Reasons.ReconcileSucceeded, $"{last.Type} accepted by {provider.Type}");
            if (d.AutoStopped is { StoppedAt: { } at } stopped) ReadinessRules.Ready(d, Reasons.AutoStopped, $"{AutoStopHold.Message(d.Input.Server, stopped.Reason, at)} ({BlindMessage(provider.Type, last)})");
            else ReadinessRules.Ready(d, Reasons.ActionAccepted, BlindMessage(provider.Type, last));
            return d.Deleting && wanted == ActionType.Stop ? d.Release() : d.Wait(provider.ReassertInterval ?? settings.ResyncPeriod);
        }
        if (!provider.Capabilities.Supports(wanted))
        {
            d.Ready(false, Reasons.Unsupported, $"{wanted} is not supported by {provider.Type}");
            return d.Wait(settings.ResyncPeriod);
        }
        if ((wanted == ActionType.Start ? OrderRules.HoldStart(d) : OrderRules.HoldStop(d)) is { } wait) return wait;
        // A new stop (not one reasserted after an earlier accepted stop) is warned first, as on a readable provider.
        if (wanted == ActionType.Stop && !matches && StopWarningRule.Before(d, provider) is { } warning) return warning;
        d.Ready(false, Reasons.ActionPending, $"sending {wanted} (declared {d.Desired}; {provider.Type} cannot report state)");
        return d.Send(new PlannedAction(wanted, null));
    }

    /// <summary>The one-shot annotations whose value breaks the token rule, with the message that says so.</summary>
    private static IReadOnlyDictionary<ActionType, string> InvalidTokens(ServerPowerResource server)
    {
        var invalid = new Dictionary<ActionType, string>();
        var annotations = server.Metadata.Annotations ?? new Dictionary<string, string>();
        foreach (var (type, key) in new[] { (ActionType.Rebuild, Annotations.Rebuild), (ActionType.Restart, Annotations.Restart) })
        {
            // Written so that no variable depends on a condition being true: a mutation tester that flips the
            // condition must still compile this method to score its mutants.
            var message = annotations.TryGetValue(key, out var value) ? OneShotTokens.Invalid(key, value) : null;
            if (message is not null) invalid[type] = message;
        }
        return invalid;
    }

    /// <summary>The spec changed since Synced was last written, or a valid one-shot token is not handled yet.</summary>
    private static bool ChangeWaits(Draft d, IReadOnlyDictionary<ActionType, string> invalid)
    {
        var synced = Conditions.Find(d.Input.Server.Status?.Conditions, ConditionTypes.Synced);
        if (synced?.ObservedGeneration != d.Input.Server.Metadata.Generation) return true;
        return new[] { ActionType.Restart, ActionType.Rebuild }.Any(type =>
            !invalid.ContainsKey(type) && d.Annotation(type) is { } token && d.OneShotStatus(type)?.Token != token);
    }

    /// <summary>A provider's Retry-After of zero, or a date in the past, never turns into an immediate retry.</summary>
    private static TimeSpan NotSooner(Draft d, TimeSpan retryAfter) => new[] { retryAfter, d.Input.Settings.MinPoll }.Max();

    /// <summary>
    /// A 429 whose Retry-After says to wait longer than the shortest poll is waited out exactly. One without a useful
    /// Retry-After (none, zero, a date in the past) is a failure: the work queue's backoff grows with each repeat, so
    /// an endless 429 never becomes a steady stream of requests.
    /// </summary>
    private static TimeSpan? RetryAfter(Draft d, ProviderOutcome outcome) =>
        outcome.Kind == OutcomeKind.RateLimited && outcome.RetryAfter is { } wait && wait > d.Input.Settings.MinPoll ? wait : null;

    private static TimeSpan Poll(Draft d) =>
        d.Status.LastAction is { } last ? d.Input.Settings.Bounded((d.Input.Now - last.RequestTime) / 3) : d.Input.Settings.MinPoll;

    private static string BlindMessage(ProviderType type, LastAction last) =>
        $"{type} cannot report power state; {last.Type} was accepted at {KubeTimeConverter.Format(last.RequestTime)}";

    private static string UncertainMessage(ActionType type) =>
        $"the operator stopped before the provider answered, so it is unknown whether the {type.ToString().ToLowerInvariant()} happened; {Draft.RetryHint}";
}
