using ServerPower.Api.Resources;
using ServerPower.Api.Serialization;
using ServerPower.Api.Vocabulary;
using ServerPower.Providers.Contract;

namespace ServerPower.Operator.Decision;

/// <summary>
/// The reconcile decision: a pure function of (object, provider view, clock, settings). Deciding again on its own
/// output with an unchanged world gives an equal status, so a settled server costs no writes.
/// <list type="bullet">
/// <item>spec.suspend: observe nothing, act on nothing (Ready=False Suspended).</item>
/// <item>One action per reconcile, in this order: a one-shot left in Sending becomes Uncertain (never resent);
/// then a new rebuild token; then a new restart token; then the declared power state.</item>
/// <item>A one-shot token seen on an object never reconciled before is adopted (Skipped), not executed.</item>
/// <item>An accepted start or stop is not resent while its effect is expected (start: StartEffectTimeout;
/// stop: stop.gracePeriod, then Kill where configured and supported, else the stop is sent again).</item>
/// <item>State-blind providers (HEO) get the declared action when it changes, is first seen, failed, or
/// reassertInterval elapsed; Ready=True ActionAccepted reports that the provider cannot tell state.</item>
/// </list>
/// </summary>
public static class ServerPowerDecider
{
    public static bool ShouldReadState(ServerPowerResource server, ProviderCapabilities capabilities) =>
        !server.Spec.Suspend && capabilities.CanReadState;

    public static Decision Decide(DecisionInput input)
    {
        var d = new Draft(input);
        var spec = input.Server.Spec;
        if (spec.Suspend)
        {
            d.Ready(false, Reasons.Suspended, "spec.suspend is true: the operator observes and changes nothing");
            if (d.Deleting) d.Event(false, "FinalizerReleased", "suspended: the server was not stopped before deletion");
            return d.Done(input.Settings.ResyncPeriod, release: d.Deleting);
        }
        if (input.Provider is ProviderView.Unresolved unresolved)
        {
            d.Synced(false, unresolved.Reason, unresolved.Message);
            d.Ready(false, Reasons.ProviderError, unresolved.Message);
            d.Event(true, unresolved.Reason, unresolved.Message);
            var release = d.Deleting && unresolved.Reason == Reasons.ProviderNotFound;
            return d.Done(input.Settings.MaxPoll, release: release);
        }
        var provider = (ProviderView.Resolved)input.Provider;

        if (InvalidToken(input.Server) is { } invalid)
        {
            d.Synced(false, Reasons.InvalidSpec, invalid);
            d.Event(true, Reasons.InvalidSpec, invalid);
            return d.Done(input.Settings.ResyncPeriod);
        }

        ResolveInterruptedOneShots(d);

        ObservedServer? observed = null;
        if (provider.Capabilities.CanReadState)
        {
            var read = provider.Read ?? ReadResult.Failed(new ProviderOutcome(OutcomeKind.Unavailable, "state was not read"));
            observed = read.Server ?? read.Outcome.Kind switch
            {
                OutcomeKind.Busy => new ObservedServer(PowerState.Busy, read.Outcome.Message),
                OutcomeKind.Suspended => new ObservedServer(PowerState.Suspended, read.Outcome.Message),
                _ => null,
            };
            if (observed is null) return ReadFailed(d, read.Outcome);
            d.Status = d.Status with { PowerState = observed.Power, ProviderState = observed.RawState };
        }

        if (OneShot(d, provider, observed) is { } oneShot) return oneShot;
        return provider.Capabilities.CanReadState
            ? Converge(d, provider, observed!)
            : ConvergeBlind(d, provider);
    }

    public static Decision AfterAction(DecisionInput input, Decision decided, ProviderOutcome outcome)
    {
        var action = decided.Action ?? throw new InvalidOperationException("no action was decided");
        var d = new Draft(input) { Status = decided.Status };
        foreach (var e in decided.Events) d.Event(e.Warning, e.Reason, e.Message);
        var provider = (ProviderView.Resolved)input.Provider;
        var blind = !provider.Capabilities.CanReadState;
        var result = outcome.IsAccepted ? ActionResult.Accepted
            : outcome.MayHaveReachedProvider ? ActionResult.Uncertain : ActionResult.Failed;
        var message = outcome.Message.Length > 0 ? outcome.Message : outcome.Kind.ToString();
        d.Status = d.Status with
        {
            LastAction = new LastAction
            {
                Type = action.Type, Token = action.OneShotToken, RequestTime = KubeTimeConverter.Truncate(input.Now),
                Result = result, Message = message,
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
            d.Synced(true, Reasons.ReconcileSucceeded, $"{action.Type} accepted by {provider.Type}");
            d.Event(false, $"{action.Type}Accepted", $"{action.Type} accepted by {provider.Type}: {message}");
            if (blind && action.Type is ActionType.Start or ActionType.Stop)
            {
                d.Status = d.Status with { PowerState = PowerState.Unknown, ProviderState = "requested" };
                d.Ready(true, Reasons.ActionAccepted, BlindMessage(provider.Type, d.Status.LastAction!));
                var release = d.Deleting && action.Type == ActionType.Stop;
                return d.Done(provider.ReassertInterval ?? input.Settings.ResyncPeriod, release: release);
            }
            d.Ready(false, Reasons.ActionPending, $"{action.Type} accepted; waiting for the provider to report the result");
            return d.Done(input.Settings.MinPoll);
        }

        d.Event(true, $"{action.Type}Failed", $"{action.Type} failed at {provider.Type}: {outcome.Kind}: {message}");
        switch (outcome.Kind)
        {
            case OutcomeKind.Busy:
                d.Synced(true, Reasons.ReconcileSucceeded, "the provider is busy with this server");
                d.Ready(false, Reasons.ActionPending, $"{action.Type} refused while the server is busy: {message}");
                return d.Done(input.Settings.MaxPoll);
            case OutcomeKind.Suspended:
                d.Synced(true, Reasons.ReconcileSucceeded, "the server is suspended at the provider");
                d.Ready(false, Reasons.ServerSuspended, $"{action.Type} refused: the server is suspended: {message}");
                return d.Done(input.Settings.MaxPoll);
            case OutcomeKind.Unsupported:
                d.Ready(false, Reasons.Unsupported, message);
                return d.Done(input.Settings.ResyncPeriod);
        }
        d.Synced(false, OutcomeReasons.SyncedReason(outcome.Kind), $"{action.Type}: {outcome.Kind}: {message}");
        if (result == ActionResult.Uncertain && action.OneShotToken is not null)
            d.Ready(false, Reasons.OneShotUncertain, UncertainMessage(action.Type));
        else
            d.Ready(false, Reasons.ProviderError, $"{action.Type} failed: {message}");
        if (outcome.Kind == OutcomeKind.RateLimited && outcome.RetryAfter is { } retryAfter) return d.Done(retryAfter);
        // A one-shot is never resent, so there is nothing to retry quickly for it.
        return OutcomeReasons.IsTransient(outcome) && action.OneShotToken is null ? d.Fail() : d.Done(input.Settings.MaxPoll);
    }

    private static Decision ReadFailed(Draft d, ProviderOutcome outcome)
    {
        var reason = OutcomeReasons.SyncedReason(outcome.Kind);
        d.Synced(false, reason, $"reading state failed: {outcome.Kind}: {outcome.Message}");
        d.Ready(false, Reasons.ProviderError, $"cannot read the server's state: {outcome.Message}");
        d.Event(true, reason, $"reading state failed: {outcome.Message}");
        if (d.Deleting && outcome.Kind == OutcomeKind.NotFound)
            return d.Done(null, release: true);
        if (outcome.Kind == OutcomeKind.RateLimited && outcome.RetryAfter is { } retryAfter) return d.Done(retryAfter);
        return OutcomeReasons.IsTransient(outcome) ? d.Fail() : d.Done(d.Input.Settings.MaxPoll);
    }

    /// <summary>A one-shot found in Sending: the operator stopped mid-call. Its effect is unknown; never resend it.</summary>
    private static void ResolveInterruptedOneShots(Draft d)
    {
        foreach (var type in new[] { ActionType.Rebuild, ActionType.Restart })
        {
            if (d.OneShotStatus(type) is { Phase: OneShotPhase.Sending } sending)
            {
                d.SetOneShot(type, sending with { Phase = OneShotPhase.Uncertain, Message = UncertainMessage(type) });
                d.Event(true, Reasons.OneShotUncertain, $"{type} token \"{sending.Token}\": {UncertainMessage(type)}");
            }
        }
    }

    private static Decision? OneShot(Draft d, ProviderView.Resolved provider, ObservedServer? observed)
    {
        var server = d.Input.Server;
        var firstSeen = server.Status?.ObservedGeneration is null && server.Status?.Restart is null && server.Status?.Rebuild is null;
        foreach (var type in new[] { ActionType.Rebuild, ActionType.Restart })
        {
            var token = d.Annotation(type);
            if (token is null || token == d.OneShotStatus(type)?.Token) continue;
            string? skip = firstSeen ? "adopted at first sight; not executed"
                : server.Spec.ManagementPolicy == ManagementPolicy.Observe ? "managementPolicy is Observe: the operator never acts"
                : d.Deleting ? "the object is being deleted"
                : type == ActionType.Restart && d.Desired == DesiredPowerState.Stopped ? "the declared state is Stopped: nothing to restart"
                : type == ActionType.Restart && observed?.Power == PowerState.Stopped ? "the server was stopped: it is started instead of restarted"
                : null;
            if (skip is not null)
            {
                d.SetOneShot(type, new OneShotStatus { Token = token, Phase = OneShotPhase.Skipped, Message = skip });
                if (!firstSeen) d.Event(false, $"{type}Skipped", $"{type} token \"{token}\" skipped: {skip}");
                continue;
            }
            string? fail = !provider.Capabilities.Supports(type) ? $"{type} is not supported by {provider.Type}; nothing was sent"
                : type == ActionType.Rebuild && provider.Capabilities.RebuildUsesSpec && string.IsNullOrWhiteSpace(server.Spec.Rebuild?.OsId)
                    ? $"spec.rebuild.osId is required for a {provider.Type} rebuild; nothing was sent"
                : observed?.Power == PowerState.Suspended ? $"the server is suspended at {provider.Type}; nothing was sent"
                : null;
            if (fail is not null)
            {
                d.SetOneShot(type, new OneShotStatus { Token = token, Phase = OneShotPhase.Failed, Message = fail });
                d.Event(true, $"{type}Failed", $"{type} token \"{token}\": {fail}");
                if (fail.StartsWith("spec.", StringComparison.Ordinal)) d.Synced(false, Reasons.InvalidSpec, fail);
                continue;
            }
            if (observed?.Power is PowerState.Busy or PowerState.Starting or PowerState.Stopping)
            {
                d.Ready(false, Reasons.ActionPending, $"{type} waits until the server leaves state {observed.RawState}");
                return d.Done(Poll(d));
            }
            if (type == ActionType.Rebuild && !provider.Capabilities.RebuildUsesSpec && server.Spec.Rebuild is not null)
                d.Event(false, "RebuildSpecIgnored", $"{provider.Type} reinstalls the server as configured there; spec.rebuild is ignored");
            d.SetOneShot(type, new OneShotStatus { Token = token, Phase = OneShotPhase.Sending });
            d.Ready(false, Reasons.ActionPending, $"sending {type} (token \"{token}\")");
            return d.Act(new PlannedAction(type, token));
        }
        return null;
    }

    private static Decision Converge(Draft d, ProviderView.Resolved provider, ObservedServer observed)
    {
        var settings = d.Input.Settings;
        var desired = d.Desired == DesiredPowerState.Running ? PowerState.Running : PowerState.Stopped;
        var observe = d.Input.Server.Spec.ManagementPolicy == ManagementPolicy.Observe;
        d.Synced(true, Reasons.ReconcileSucceeded, $"state read from {provider.Type}");
        switch (observed.Power)
        {
            case var p when p == desired:
                d.Ready(true, Reasons.InDesiredState, $"the server is {observed.Power}");
                return d.Done(settings.ResyncPeriod, release: d.Deleting);
            case PowerState.Starting:
                d.Ready(false, Reasons.Starting, "the server is starting");
                return d.Done(Poll(d));
            case PowerState.Stopping:
                d.Ready(false, Reasons.Stopping, "the server is stopping");
                return d.Done(Poll(d));
            case PowerState.Busy:
                d.Ready(false, Reasons.ActionPending, $"the provider reports {observed.RawState}; waiting");
                return d.Done(Poll(d));
            case PowerState.Suspended:
                d.Ready(false, Reasons.ServerSuspended, $"the server is suspended at {provider.Type}");
                return d.Done(settings.MaxPoll);
            case PowerState.Unknown:
                d.Ready(false, Reasons.ProviderError, $"the provider reported an unknown state \"{observed.RawState}\"");
                return d.Done(settings.MaxPoll);
        }
        if (observe)
        {
            d.Ready(false, Reasons.NotInDesiredState, $"the server is {observed.Power}, declared {d.Desired}; managementPolicy Observe never acts");
            return d.Done(settings.ResyncPeriod);
        }

        var wanted = desired == PowerState.Running ? ActionType.Start : ActionType.Stop;
        var last = d.Status.LastAction;
        var elapsed = last is null ? TimeSpan.MaxValue : d.Input.Now - last.RequestTime;
        var stop = d.Input.Server.Spec.Stop ?? new StopSpec();
        var grace = GoDuration.TryParse(stop.GracePeriod, out var g) ? g : TimeSpan.FromMinutes(10);
        var window = wanted == ActionType.Start ? settings.StartEffectTimeout : grace;
        var expected = last is { Result: ActionResult.Accepted } && last.Type switch
        {
            ActionType.Start => wanted == ActionType.Start,
            ActionType.Stop or ActionType.Kill => wanted == ActionType.Stop,
            _ => true, // a restart or rebuild passes through other states
        };
        if (expected && elapsed < window)
        {
            var verb = wanted == ActionType.Start ? Reasons.Starting : Reasons.Stopping;
            d.Ready(false, Reasons.ActionPending, $"{last!.Type} accepted at {KubeTimeConverter.Format(last.RequestTime)}; waiting for the server ({verb.ToLowerInvariant()})");
            return d.Done(Poll(d));
        }

        var action = wanted;
        if (expected && wanted == ActionType.Stop)
        {
            if (stop.OnTimeout == StopTimeoutAction.Kill && provider.Capabilities.Supports(ActionType.Kill))
            {
                action = ActionType.Kill;
                d.Event(true, "StopTimedOut", $"the server did not stop within {stop.GracePeriod}; killing it");
            }
            else
            {
                var why = stop.OnTimeout == StopTimeoutAction.Kill ? $"{provider.Type} has no kill; " : "";
                d.Event(true, "StopTimedOut", $"the server did not stop within {stop.GracePeriod}; {why}sending stop again");
            }
        }
        else if (expected)
        {
            d.Event(true, "StartTimedOut", $"the server did not start within {GoDuration.Format(window)}; sending start again");
        }
        if (!provider.Capabilities.Supports(action))
        {
            d.Ready(false, Reasons.Unsupported, $"{action} is not supported by {provider.Type}");
            return d.Done(settings.ResyncPeriod);
        }
        d.Ready(false, Reasons.ActionPending, $"sending {action}: the server is {observed.Power}, declared {d.Desired}");
        return d.Act(new PlannedAction(action, null));
    }

    private static Decision ConvergeBlind(Draft d, ProviderView.Resolved provider)
    {
        var settings = d.Input.Settings;
        var wanted = d.Desired == DesiredPowerState.Running ? ActionType.Start : ActionType.Stop;
        var last = d.Status.LastAction;
        var matches = last is not null && (wanted == ActionType.Start ? last.Type is ActionType.Start or ActionType.Restart : last.Type == ActionType.Stop);
        var reassertDue = provider.ReassertInterval is { } every && last is not null && d.Input.Now - last.RequestTime >= every;
        d.Status = d.Status with { PowerState = PowerState.Unknown };
        if (d.Input.Server.Spec.ManagementPolicy == ManagementPolicy.Observe)
        {
            d.Synced(true, Reasons.ReconcileSucceeded, $"{provider.Type} cannot report state");
            d.Ready(true, Reasons.ActionAccepted, $"{provider.Type} cannot report power state; managementPolicy Observe never acts");
            return d.Done(settings.ResyncPeriod);
        }
        if (matches && last!.Result == ActionResult.Accepted && !reassertDue)
        {
            d.Status = d.Status with { ProviderState = "requested" };
            d.Synced(true, Reasons.ReconcileSucceeded, $"{last.Type} accepted by {provider.Type}");
            d.Ready(true, Reasons.ActionAccepted, BlindMessage(provider.Type, last));
            return d.Done(provider.ReassertInterval ?? settings.ResyncPeriod, release: d.Deleting && wanted == ActionType.Stop);
        }
        if (!provider.Capabilities.Supports(wanted))
        {
            d.Ready(false, Reasons.Unsupported, $"{wanted} is not supported by {provider.Type}");
            return d.Done(settings.ResyncPeriod);
        }
        d.Ready(false, Reasons.ActionPending, $"sending {wanted} (declared {d.Desired}; {provider.Type} cannot report state)");
        return d.Act(new PlannedAction(wanted, null));
    }

    private static string? InvalidToken(ServerPowerResource server)
    {
        foreach (var key in new[] { Annotations.Rebuild, Annotations.Restart })
        {
            if (server.Metadata.Annotations?.TryGetValue(key, out var value) != true) continue;
            if (value is null || value.Length > Annotations.MaxTokenLength || !OneShotTokens.IsValid(value))
                return $"annotation {key} must be {OneShotTokens.Rule}; nothing was sent";
        }
        return null;
    }

    private static TimeSpan Poll(Draft d)
    {
        var s = d.Input.Settings;
        if (d.Status.LastAction is not { } last) return s.MinPoll;
        var third = (d.Input.Now - last.RequestTime) / 3;
        return third < s.MinPoll ? s.MinPoll : third > s.MaxPoll ? s.MaxPoll : third;
    }

    private static string BlindMessage(ProviderType type, LastAction last) =>
        $"{type} cannot report power state; {last.Type} was accepted at {KubeTimeConverter.Format(last.RequestTime)}";

    private static string UncertainMessage(ActionType type) =>
        $"the operator stopped before the provider answered, so it is unknown whether the {type.ToString().ToLowerInvariant()} happened; it is never resent: set a new token to try again";
}
