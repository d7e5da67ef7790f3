using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using ServerPower.Api.Resources;
using ServerPower.Api.Serialization;
using ServerPower.Api.Vocabulary;
using ServerPower.Operator.AutoStop;
using ServerPower.Operator.Decision;
using ServerPower.Operator.Kubernetes;
using ServerPower.Operator.Ordering;
using ServerPower.Operator.Ownership;
using ServerPower.Operator.Probing;
using ServerPower.Runtime;
using ServerPower.Operator.Scheduling;
using ServerPower.Providers.Contract;

namespace ServerPower.Operator.Reconciliation;

/// <summary>
/// The side effects around <see cref="ServerPowerDecider"/>: read the object, resolve its provider, observe,
/// decide, act, and write status only when its content changed. Every action is recorded (a one-shot written as
/// Sending, lastAction Uncertain), checked against resourceVersion, before the provider is called: at most once, even
/// across crashes.
/// Each feature is a service that may be off, passed explicitly (registered in Hosting): readiness probes are read from
/// and handed to <paramref name="probes"/> (<see cref="ReadinessProbesOff"/>); spec.startAfter order comes from
/// <paramref name="order"/> (<see cref="StartOrderOff"/>: no order); a Scheduled server's PowerSchedule from
/// <paramref name="schedules"/> (<see cref="SchedulesOff"/>: never evaluated); with <paramref name="owners"/>, only the
/// first ServerPower that declares a server of an account acts on it (<see cref="ServerOwnershipOff"/>: every one acts);
/// spec.autoStop.activity is read by <paramref name="activity"/> and handed to the decision (<see cref="ActivityMonitorOff"/>:
/// nothing is read, so only maxRuntime can stop a server by itself).
/// </summary>
public sealed class ServerPowerReconciler(
    IResourceClient client,
    ProviderResolver resolver,
    IEventRecorder events,
    TimeProvider time,
    DecisionSettings settings,
    ILogger<ServerPowerReconciler> logger,
    IReadinessProbes probes,
    IStartOrder order,
    IScheduleClient schedules,
    IServerOwnership owners,
    IActivityMonitor activity) : IReconciler
{
    private readonly StatusWriteRetry outcomeWriter = new(time, logger);
    private readonly OutcomeWrite outcomes = new(client, logger);

    public async Task<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken cancellationToken)
    {
        var server = await client.GetServerAsync(key.Namespace, key.Name, cancellationToken);
        if (server is null)
        {
            probes.Track(key, null, null);
            activity.Forget(key);
            return ReconcileResult.Done;
        }
        try
        {
            return await ReconcileAsync(server, cancellationToken);
        }
        catch (ConflictException)
        {
            // Stryker disable once Statement,String : a log line only (no test reads logs)
            logger.LogDebug("the object changed while reconciling; retrying");
            return ReconcileResult.Conflicted;
        }
    }

    private async Task<ReconcileResult> ReconcileAsync(ServerPowerResource server, CancellationToken cancellationToken)
    {
        if (Deletion.Requested(server))
        {
            probes.Track(ObjectKey.From(server.Metadata), null, null);
            activity.Forget(ObjectKey.From(server.Metadata));
            if (!Deletion.HasFinalizer(server)) return ReconcileResult.Done;
            if (!Deletion.WantsFinalizer(server))
            {
                // deletionPolicy turned to Orphan while the object was being deleted: let it go.
                await SetFinalizerAsync(server, false, cancellationToken);
                return ReconcileResult.Done;
            }
        }
        else if (Deletion.HasFinalizer(server) != Deletion.WantsFinalizer(server))
        {
            server = await SetFinalizerAsync(server, Deletion.WantsFinalizer(server), cancellationToken);
        }

        var (view, usable, conflict) = await ObserveAsync(server, cancellationToken);
        if (ReadHeldBack(server, view) is { } due)
        {
            // The account's own spec.rateLimit had no token for the read (reads and actions share it): nothing was sent and
            // nothing learnt, so the stored state stands and the server comes back when the token is due. Reported instead
            // for a server never read, or a wait longer than the shortest poll. (At 10,000 servers, servers already Running
            // flipped to Unknown and back while the others started: a status write and an event each time.)
            // Stryker disable once Statement,String : a log line only (no test reads logs)
            logger.LogDebug("the read waits {WaitMs} ms for this account's rate limit", (long)due.TotalMilliseconds);
            return ReconcileResult.After(due);
        }
        var now = time.GetUtcNow();
        // The desired state in force: the override annotation, else the schedule (spec.state Scheduled), else spec.state.
        var schedule = EffectiveState.ScheduleName(server.Spec) is { } scheduleName
            ? await schedules.GetScheduleAsync(server.Metadata.NamespaceProperty, scheduleName, cancellationToken)
            : null;
        var since = ServerPowerDecider.ProbeSince(server.Status, view.CannotReadState);
        DecisionInput input;
        Decision.Decision decision;
        try
        {
            var intent = EffectiveState.Resolve(server, schedule, now);
            var dependencies = order.Of(server);
            input = new DecisionInput(server, view, now, settings, Readiness(server, since), dependencies, intent, conflict);
            input = input with { AutoStop = Activity(input) };
            decision = ServerPowerDecider.Decide(input);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return await DecisionFailedAsync(server, e, cancellationToken);
        }
        probes.Track(ObjectKey.From(server.Metadata), ServerPowerDecider.ProbeRuns(input) ? server.Spec.ReadinessProbe : null, since);

        if (decision is Decision.Decision.Send { Action.AutoStop: AutoStopReason.Idle } && input.AutoStop is { Confirmation: null } unconfirmed)
        {
            // The last look before an idle stop: anything but a successful read of 0 players cancels it (AutoStopView).
            var key = ObjectKey.From(server.Metadata);
            var read = await activity.ReadNowAsync(key, cancellationToken);
            input = input with { Now = time.GetUtcNow(), AutoStop = unconfirmed with { Activity = activity.Observe(key), Confirmation = read } };
            decision = ServerPowerDecider.Decide(input);
        }

        if (decision is Decision.Decision.Send { Action.Type: ActionType.Start } && server.Spec.StartAfter is { Count: > 0 })
        {
            // The cache may not have seen a dependency's last change (it just stopped being Ready): decided again with
            // the dependencies as the API server holds them now (simulation seed 85, with cache lag).
            input = input with { Dependencies = await order.OfLiveAsync(server, cancellationToken) };
            decision = ServerPowerDecider.Decide(input);
        }

        var rotated = false;
        if (decision is Decision.Decision.Send send && usable is not null)
        {
            if (usable.Provider.ActionWait(server.Spec.ServerId) is { } wait)
            {
                // The account could not send it now (its rate limit, a 429 wait, no action slot): nothing is recorded or
                // sent; the server comes back when it could be.
                // Stryker disable once Statement,String : a log line only (no test reads logs)
                logger.LogDebug("{Action} waits {WaitMs} ms for this account's rate limit", send.Action.Type, (long)wait.TotalMilliseconds);
                return ReconcileResult.After(wait > TimeSpan.Zero ? wait : Soon);
            }
            // Recorded before it is sent, checked against the resourceVersion it was decided from: a stale view or another
            // writer (a leader that lost its lease while paused) gets a conflict (and a requeue) instead of a request. Kept
            // for starts and stops too: without it, the simulation found a paused old leader sending a start decided from
            // a view older than an auto-stop (seed 288), and a stop's record starts the grace period a kill may follow.
            server = await client.PatchServerStatusAsync(server, send.Status, requireResourceVersion: true, cancellationToken);
            // One owner per server, checked again on a cache that has seen the record (ServerOwnership.ConfirmAsync): an
            // older object edited to declare this server just before is in it now. If the cache cannot catch up (its watch
            // is down), nothing is sent: the record is undone and the key retried with backoff.
            var owner = await owners.ConfirmAsync(server, usable.Account, cancellationToken);
            if (!owner.CaughtUp)
            {
                await WriteStatusAsync(server, input.Server.Status ?? new ServerPowerStatus(), cancellationToken, requireResourceVersion: true);
                return ReconcileResult.Fail($"{send.Action.Type} not sent: the ServerPower cache has not caught up with the API server, and one owner per server is checked on it first");
            }
            if (owner.Conflict is { } owned)
            {
                decision = ServerPowerDecider.Decide(input with { Now = time.GetUtcNow(), Conflict = owned });
                server = await WriteStatusAsync(server, decision.Status, cancellationToken, requireResourceVersion: true);
            }
            else
            {
                var outcome = await SendAsync(server, usable.Provider, send.Action, cancellationToken);
                decision = ServerPowerDecider.AfterAction(input with { Now = time.GetUtcNow() }, send, outcome);
                Remember(server.Metadata.NamespaceProperty, server.Spec.ProviderRef.Name, outcome);
                rotated = outcome.Kind == OutcomeKind.Unauthorized && await RotatedAsync(server, usable.Account, cancellationToken) is not null;
                // Once a request may have reached the provider, its outcome must be recorded even if this reconcile is being
                // cancelled or the API server is briefly unwell; otherwise a Done one-shot would later read as Uncertain.
                // It is written on top of its own record only (OutcomeWrite).
                var recorded = server;
                server = await outcomeWriter.WriteAsync(() => outcomes.WriteAsync(recorded, decision.Status));
            }
        }
        else
        {
            // Decided from a possibly stale (cached) view: checked against its resourceVersion, so it never overwrites
            // what a newer reconcile recorded (a conflict requeues the key).
            server = await WriteStatusAsync(server, decision.Status, cancellationToken, requireResourceVersion: true);
        }
        AutoStopMetrics.Record(input.Server.Status?.AutoStop, decision.Status.AutoStop, time.GetUtcNow());
        foreach (var e in decision.Events)
            await events.RecordAsync(server, e.Warning, e.Reason, e.Message, cancellationToken);
        switch (decision)
        {
            case Decision.Decision.Release:
                await SetFinalizerAsync(server, false, cancellationToken);
                return ReconcileResult.Done;
            // The token was refused and the Secret now holds another: the action is decided again with it at once.
            case Decision.Decision.Wait or Decision.Decision.Retry when rotated:
                return ReconcileResult.After(Soon);
            case Decision.Decision.Retry:
                return ReconcileResult.Fail(ReadyMessage(decision.Status));
            case Decision.Decision.Wait wait:
                // Back exactly when the schedule's next transition or the override's end comes, not polled for it.
                return TransitionRequeue.At(Requeue(wait.After, settings), (input.Intent as Intent.Known)?.NextChange, time.GetUtcNow());
            case Decision.Decision.Warn warn when usable is not null:
                return await WarnAsync(server, usable.Provider, warn, cancellationToken);
            case Decision.Decision.Send or Decision.Decision.Warn:
                // Only without a usable provider, which the decision never sends to (it waits for one instead).
                // Stryker disable once String : the text of an exception for a state that cannot occur
                throw new UnreachableException("an action was decided for a provider that is not usable");
            default:
                // Stryker disable once String : the text of an exception for a state that cannot occur
                throw new UnreachableException($"unknown decision {decision.GetType().Name}");
        }
    }

    /// <summary>
    /// Sends spec.stop.warning to the console; status.stopWarning already records it (written checked against the
    /// resourceVersion, so a stale view sends nothing). The stop is decided again after warning.before; a failed warning
    /// is recorded with an event, and the stop is decided again at once.
    /// </summary>
    private async Task<ReconcileResult> WarnAsync(ServerPowerResource server, IPowerProvider provider, Decision.Decision.Warn warn, CancellationToken cancellationToken)
    {
        // Stryker disable once Statement,String : a log line only (no test reads logs)
        logger.LogInformation("sending the stop warning to {Provider} server {ServerId}", provider.Type, server.Spec.ServerId);
        var outcome = await provider.SendCommandAsync(server.Spec.ServerId, warn.Command, cancellationToken);
        var message = Text.Bound(outcome.Message.Length > 0 ? outcome.Message : outcome.Kind.ToString());
        if (outcome.IsAccepted) return ReconcileResult.After(warn.Before);
        var failed = warn.Status with { StopWarning = warn.Status.StopWarning! with { Failed = true, Message = message } };
        await outcomeWriter.WriteAsync(() => WriteStatusAsync(server, failed, CancellationToken.None));
        await events.RecordAsync(server, true, EventReasons.StopWarningFailed, $"the stop warning failed ({outcome.Kind}: {message}); stopping at once", cancellationToken);
        return ReconcileResult.After(Soon);
    }

    /// <summary>
    /// The decision threw (a defect: every value a user can write is meant to give InvalidSpec instead). Synced says
    /// so and the key backs off; a deletion still goes on (as for an invalid annotation): the object is let go without
    /// the server being stopped, since nothing can be decided for it, and a Warning event says so.
    /// </summary>
    private async Task<ReconcileResult> DecisionFailedAsync(ServerPowerResource server, Exception e, CancellationToken cancellationToken)
    {
        // Stryker disable once Statement,String : a log line only (no test reads logs)
        logger.LogError(e, "deciding failed");
        var message = Text.Bound($"the operator could not decide ({e.GetType().Name}: {e.Message}); please report this");
        var synced = new Api.Resources.Condition
        {
            Type = ConditionTypes.Synced, Status = ConditionStatus.False, Reason = Reasons.ReconcileError, Message = message,
            ObservedGeneration = server.Metadata.Generation,
        };
        var status = (server.Status ?? new ServerPowerStatus()) with { Conditions = Conditions.Set(server.Status?.Conditions, synced, time.GetUtcNow()) };
        server = await WriteStatusAsync(server, status, cancellationToken, requireResourceVersion: true);
        await events.RecordAsync(server, true, Reasons.ReconcileError, message, cancellationToken);
        // Being deleted here means our finalizer is still on (ReconcileAsync returned earlier otherwise).
        if (Deletion.StopsServer(server))
        {
            await events.RecordAsync(server, true, EventReasons.FinalizerReleased, "the server was not stopped before deletion: the operator could not decide", cancellationToken);
            await SetFinalizerAsync(server, false, cancellationToken);
            return ReconcileResult.Done;
        }
        return ReconcileResult.Fail(message);
    }

    /// <summary>
    /// Reads spec.autoStop.activity while it applies (<see cref="ServerPowerDecider.ActivityRuns"/>) and a target as
    /// written may be read; otherwise nothing of it is read (the monitor forgets the server). Null: nothing to read.
    /// </summary>
    private AutoStopView? Activity(DecisionInput input)
    {
        var key = ObjectKey.From(input.Server.Metadata);
        if (AutoStopRules.Read(input.Server.Spec).Plan is not { Activity: { } target } plan || !ServerPowerDecider.ActivityRuns(input))
        {
            activity.Forget(key);
            return null;
        }
        var watched = AutoStop.ActivitySpec.From(target, plan.Period);
        if (activity.Check(watched) is { } notAllowed)
        {
            activity.Forget(key);
            return new AutoStopView(null, notAllowed);
        }
        activity.Ensure(key, watched);
        return new AutoStopView(activity.Observe(key));
    }

    /// <summary>What the decision learns of the readiness probe; null when the server has none or probes are off.</summary>
    private ReadinessView? Readiness(ServerPowerResource server, DateTimeOffset? since)
    {
        return server.Spec.ReadinessProbe is { } probe ? probes.View(ObjectKey.From(server.Metadata), probe, since) : null;
    }

    /// <summary>The shortest requeue: a positive delay, so the work queue keeps its order and its rate limit.</summary>
    private static readonly TimeSpan Soon = TimeSpan.FromMilliseconds(1);

    private async Task<(ProviderView View, ProviderResolution.Usable? Usable, string? Conflict)> ObserveAsync(ServerPowerResource server, CancellationToken cancellationToken)
    {
        var (ns, name) = (server.Metadata.NamespaceProperty, server.Spec.ProviderRef.Name);
        var now = time.GetUtcNow();
        ProviderResolution resolution;
        string? heldBecause = null;
        if (Deletion.StopsServer(server))
        {
            (resolution, heldBecause) = await resolver.ResolveForDeletionAsync(ns, name, now, cancellationToken);
            if (heldBecause is not null)
                await events.RecordAsync(server, true, EventReasons.ProviderGone, $"{heldBecause}; stopping the server with the credentials held for it", cancellationToken);
        }
        else
        {
            resolution = await resolver.ResolveAsync(ns, name, cancellationToken);
        }
        // Only a fresh resolution is held: reusing the held one must not keep it alive past its hour.
        if (resolution is ProviderResolution.Usable fresh && heldBecause is null) resolver.Hold(ns, name, fresh, now);
        if (resolution is not ProviderResolution.Usable usable)
        {
            var unusable = (ProviderResolution.Unusable)resolution;
            return (new ProviderView.Unresolved(unusable.Reason, unusable.Message), null, null);
        }
        var provider = usable.Provider;
        var endpoint = usable.Account.Endpoint.ToString();
        // Another ServerPower owns this server: nothing of it is read or sent.
        if (await owners.ConflictAsync(server, usable.Account, cancellationToken) is { } conflict)
            return (new ProviderView.Resolved(provider.Type, provider.Capabilities, null, usable.ReassertInterval, Endpoint: endpoint), null, conflict);
        if (provider.ThrottledFor() is { } wait)
            return (new ProviderView.Resolved(provider.Type, provider.Capabilities, null, usable.ReassertInterval, wait, endpoint), usable, null);
        ReadResult? read = null;
        if (ServerPowerDecider.ShouldReadState(server, provider.Capabilities))
        {
            read = await provider.ReadAsync(server.Spec.ServerId, cancellationToken);
            Remember(ns, name, read.Outcome);
            // The PowerProvider is gone and the credentials held for it are refused: nothing can stop the server any
            // more, so the deletion goes on as for a missing PowerProvider (released, with a warning event).
            if (heldBecause is not null && read.Outcome.Kind == OutcomeKind.Unauthorized)
                return (new ProviderView.Unresolved(Reasons.ProviderNotFound,
                    $"{heldBecause}; the credentials held for it were refused: {read.Outcome.Message}"), null, null);
            if (read.Outcome.Kind == OutcomeKind.Unauthorized && await RotatedAsync(server, usable.Account, cancellationToken) is { } rotated)
            {
                // The Secret holds a new token (rotated at the provider and in Kubernetes): read with it now, not at the next poll.
                resolver.Hold(ns, name, rotated, now);
                usable = rotated;
                provider = rotated.Provider;
                read = await provider.ReadAsync(server.Spec.ServerId, cancellationToken);
                Remember(ns, name, read.Outcome);
            }
        }
        return (new ProviderView.Resolved(provider.Type, provider.Capabilities, read, usable.ReassertInterval, Endpoint: endpoint), usable, null);
    }

    private TimeSpan? ReadHeldBack(ServerPowerResource server, ProviderView view) =>
        view is ProviderView.Resolved { Read.Outcome: { NotSent: true, OwnLimit: true, RetryAfter: { } due } }
        && due <= settings.MinPoll && server.Status?.PowerState is not null
            ? due
            : null;

    /// <summary>
    /// After <paramref name="refused"/> was answered Unauthorized (its credentials already forgotten): the account as its
    /// PowerProvider and Secret give it now, read again at once, when that differs from the refused one (a rotated
    /// token); null when it does not or is unusable, so a token the Secret still holds is not tried again before the
    /// next poll.
    /// </summary>
    private async Task<ProviderResolution.Usable?> RotatedAsync(ServerPowerResource server, ProviderAccount refused, CancellationToken cancellationToken) =>
        await resolver.ResolveAsync(server.Metadata.NamespaceProperty, server.Spec.ProviderRef.Name, cancellationToken) is ProviderResolution.Usable now
            && now.Account != refused
            ? now
            : null;

    /// <summary>
    /// What the account learns from an answer: Unauthorized re-reads the Secret. (A 429's wait is the provider layer's:
    /// it holds the whole account there, and <see cref="IPowerProvider.ThrottledFor"/> tells the next pass.)
    /// </summary>
    private void Remember(string ns, string providerName, ProviderOutcome outcome)
    {
        if (outcome.Kind == OutcomeKind.Unauthorized) resolver.Forget(ns, providerName);
    }

    private async Task<ProviderOutcome> SendAsync(ServerPowerResource server, IPowerProvider provider, PlannedAction action, CancellationToken cancellationToken)
    {
        RebuildRequest? rebuild = null;
        if (action.Type == ActionType.Rebuild)
        {
            var spec = server.Spec.Rebuild;
            SecretValue? password = null;
            if (spec?.RootPasswordSecretRef is { } secretRef)
            {
                var value = await client.GetSecretValueAsync(server.Metadata.NamespaceProperty, secretRef.Name, secretRef.Key, cancellationToken);
                if (string.IsNullOrEmpty(value))
                    return new ProviderOutcome(OutcomeKind.Invalid, $"rebuild root password: key \"{secretRef.Key}\" of Secret \"{secretRef.Name}\" not found; nothing was sent");
                password = new SecretValue(value);
            }
            rebuild = new RebuildRequest(spec?.OsId, spec?.Hostname, password, spec?.SshKeyIds, spec?.FirewallGroupId);
        }
        // Stryker disable once Statement,String : a log line only (no test reads logs)
        logger.LogInformation("sending {Action} to {Provider} server {ServerId}", action.Type, provider.Type, server.Spec.ServerId);
        var outcome = await provider.SendAsync(server.Spec.ServerId, action.Type, rebuild, cancellationToken);
        // Stryker disable once Statement,String : a log line only (no test reads logs)
        logger.LogInformation("{Action} answered {Outcome}: {Message}", action.Type, outcome.Kind, outcome.Message);
        return outcome;
    }

    private async Task<ServerPowerResource> WriteStatusAsync(ServerPowerResource server, ServerPowerStatus status, CancellationToken cancellationToken,
        bool requireResourceVersion = false)
    {
        if (StatusEquals(server.Status, status)) return server;
        return await client.PatchServerStatusAsync(server, status, requireResourceVersion, cancellationToken);
    }

    /// <summary>Adds or removes our finalizer only (others' finalizers are kept), checked against resourceVersion.</summary>
    private Task<ServerPowerResource> SetFinalizerAsync(ServerPowerResource server, bool present, CancellationToken cancellationToken)
    {
        var finalizers = (server.Metadata.Finalizers ?? []).Where(f => f != Annotations.StopFinalizer).ToList();
        if (present) finalizers.Add(Annotations.StopFinalizer);
        return client.SetServerFinalizersAsync(server, finalizers, cancellationToken);
    }

    /// <summary>
    /// The controller already re-checks every object each resync period (with jitter), so a requeue that far out
    /// would only schedule the same work twice: it is left to the resync.
    /// </summary>
    public static ReconcileResult Requeue(TimeSpan? after, DecisionSettings settings) =>
        after is { } delay && delay < settings.ResyncPeriod ? ReconcileResult.After(delay) : ReconcileResult.Done;

    /// <summary>Status content equality, as the API server would store it.</summary>
    public static bool StatusEquals<T>(T? stored, T desired) where T : class =>
        stored is not null && JsonElement.DeepEquals(ApiJson.ToElement(stored), ApiJson.ToElement(desired));

    // Stryker disable once Linq,String : a Retry decision always carries a Synced condition, so neither First() nor the fallback is reached
    private static string ReadyMessage(ServerPowerStatus status) =>
        status.Conditions?.FirstOrDefault(c => c.Type == ConditionTypes.Synced)?.Message ?? "reconcile failed";
}
