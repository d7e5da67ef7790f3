using ServerPower.Api.Resources;
using ServerPower.Api.Serialization;
using ServerPower.Api.Vocabulary;
using ServerPower.Operator.Decision;
using ServerPower.Runtime;
using ServerPower.Providers.Contract;

namespace ServerPower.Simulation.Tests.Harness;

/// <summary>
/// Watches every edge call and checks the promises as they happen (P1–P4, P6, P7); the liveness promises (P5,
/// convergence) are checked at the end of the calm phase by <see cref="LivenessCheck"/>. The first violation
/// ends the seed. Everything is judged from the ledger of what reached the provider and what was stored, never
/// from the reconciler's own opinion.
/// </summary>
internal sealed partial class Monitor(SimContext sim, DecisionSettings settings)
{
    public const int MaxRequestsPerMinute = 30;

    /// <summary>Status timestamps have whole seconds (Kubernetes time), so a wait may look up to 1 s longer to the operator.</summary>
    private static readonly TimeSpan TimestampPrecision = TimeSpan.FromSeconds(1);

    /// <summary>Reconciles the operator starts by itself (not for a user's change, a restart or another writer).</summary>
    private static readonly HashSet<string> OperatorDriven = ["resync", "requeue", "backoff", "watch-own"];

    private readonly Dictionary<string, List<ProviderRequest>> requests = [];
    private readonly Dictionary<(string ServerId, ActionType Type, string Token), List<ProviderRequest>> oneShots = [];
    private readonly HashSet<(string ServerId, ActionType Type, string? Token)> accepted = [];
    private readonly Dictionary<string, HashSet<string>> firstSight = [];
    private readonly Dictionary<string, string> firstStatus = [];
    private readonly Dictionary<string, long> specStateSince = [];
    private readonly Dictionary<string, long> reached = [];
    private readonly Dictionary<string, long> lastSend = [];
    private readonly Dictionary<string, (long Seq, string Writer, bool Deposed)> lastDubiousWrite = [];
    private readonly Dictionary<string, Queue<ProviderRequest>> lastMinute = [];
    private readonly Dictionary<string, (DateTimeOffset Until, OperatorProcess Process, ProviderRequest Request)> retryAfter = [];

    public Violation? Violation { get; private set; }

    private readonly Dictionary<string, long> declaresSince = [];
    private readonly Dictionary<object, int> actionsInFlight = new(ReferenceEqualityComparer.Instance);

    /// <summary>Every ServerPower stored now (to tell who owns a server).</summary>
    public Func<IEnumerable<ServerPowerResource>> AllStored { get; set; } = () => [];

    /// <summary>The stored object now (to read spec.stop as it currently is).</summary>
    public Func<ObjectKey, ServerPowerResource?> Stored { get; set; } = _ => null;

    /// <summary>The latest end of a Retry-After the operator should honour (the calm phase waits for it).</summary>
    public DateTimeOffset LatestRetryAfterEnd { get; private set; }

    public void Report(string invariant, string kind, string message)
    {
        if (Violation is not null) return;
        Violation = new Violation(invariant, kind, message, sim.Now);
        sim.Log($"VIOLATION {Violation}");
    }

    public IReadOnlyList<ProviderRequest> Requests(string serverId) => requests.GetValueOrDefault(serverId) ?? [];

    // ---- Kubernetes side ----

    public void OnServerRead(Fiber fiber, ServerPowerResource? server, bool fresh)
    {
        fiber.ReadObject = server;
        fiber.ReadFresh = fresh;
        if (server?.Metadata.Uid is not { } uid || firstSight.ContainsKey(uid)) return;
        var tokens = new HashSet<string>();
        foreach (var key in new[] { Annotations.Restart, Annotations.Rebuild })
            if (server.Metadata.Annotations?.TryGetValue(key, out var token) == true) tokens.Add(token);
        firstSight[uid] = tokens;
        if (tokens.Count > 0) sim.Log($"{fiber.Name}: first sight of {server.Metadata.Name} ({uid}) with tokens [{string.Join(",", tokens)}]: they must be adopted");
    }

    public void OnServerStored(ServerPowerResource? before, ServerPowerResource after)
    {
        if (after.Metadata.Uid is { } uid && (before is null || before.Spec.State != after.Spec.State))
            specStateSince[uid] = sim.NextSeq();
        if (after.Metadata.Uid is { } id && (before is null || before.Spec.ServerId != after.Spec.ServerId))
        {
            declaresSince[id] = sim.NextSeq();
            reached.Remove(id); // another server: what the old one reached says nothing of it
        }
        OnFlowsStored(before, after);
    }

    public void OnServerRemoved(ServerPowerResource before)
    {
        sim.Log($"kube: {before.Metadata.Name} ({before.Metadata.Uid}) is gone");
        OnFlowsRemoved(before);
    }

    public void OnStatusWritten(Fiber fiber, ServerPowerStatus desired, ServerPowerResource after)
    {
        if (desired.Restart is { Phase: OneShotPhase.Sending } restart) fiber.SendingTokens[ActionType.Restart] = restart.Token;
        if (desired.Rebuild is { Phase: OneShotPhase.Sending } rebuild) fiber.SendingTokens[ActionType.Rebuild] = rebuild.Token;
        fiber.LastWritten = desired;
        var uid = after.Metadata.Uid!;
        if (fiber.Process.Deposed || !fiber.ReadFresh) lastDubiousWrite[uid] = (sim.NextSeq(), fiber.Name, fiber.Process.Deposed);
        firstStatus.TryAdd(uid, Reasons(desired));
        CheckNothingUnreadableIsSuccess(after, fiber);
        // The operator recorded that the server reached its declared state, from a read made after its last action.
        var declared = Declared(after.Spec);
        if (after.Status?.PowerState == declared && fiber.LastRead is { Observed.Power: var seen } read && seen == declared
            && fiber.ReadFresh && !fiber.Process.Deposed)
            reached[uid] = Math.Max(reached.GetValueOrDefault(uid), read.Seq);
    }

    // ---- Provider side ----

    public void OnProviderRequest(Fiber fiber, string serverId, ActionType? action, ProviderOutcome outcome, bool applied, ObservedServer? observed)
    {
        var token = action is ActionType.Restart or ActionType.Rebuild ? fiber.SendingTokens.GetValueOrDefault(action.Value) : null;
        var request = new ProviderRequest(sim.NextSeq(), sim.Now, fiber, serverId, action, token, outcome, applied, observed);
        if (!requests.TryGetValue(serverId, out var list)) requests[serverId] = list = [];
        list.Add(request);
        sim.Stats.ProviderRequests++;
        sim.Log($"{fiber.Name}: provider {serverId} {request}");
        if (action is { } a)
        {
            fiber.Sent = true;
            lastSend[serverId] = request.Seq;
            if (a is ActionType.Restart or ActionType.Rebuild or ActionType.Kill) sim.Stats.Destructive++;
            if (outcome.IsAccepted) accepted.Add((serverId, a, token));
        }
        else
        {
            fiber.LastRead = request;
        }

        CheckRate(request);
        CheckRetryAfterHonoured(request);
        if (action is ActionType.Restart or ActionType.Rebuild) CheckOneShot(request);
        if (action is ActionType.Kill) CheckKill(request);
        if (action is not null) CheckOneOwner(request);
        if (action is not null) CheckFlows(request);
    }

    // ---- End of a reconcile ----

    /// <summary>P7: a server that reached its declared state and then left it gets its corrective action at once.</summary>
    public void OnReconcileFinished(Fiber fiber)
    {
        if (fiber.Task is not { IsCompletedSuccessfully: true } || fiber.Conflicted || !fiber.ReadFresh || fiber.Process.Deposed) return;
        if (fiber.ReadObject is not { } server || server.Metadata.Uid is not { } uid) return;
        if (server.Spec.Suspend || server.Spec.ManagementPolicy == ManagementPolicy.Observe || server.Metadata.DeletionTimestamp is not null) return;
        if (DecidedByLaterFeatures(server)) return;
        if (fiber.LastRead is not { Observed: { Power: PowerState.Running or PowerState.Stopped } seen } read) return;
        var declared = Declared(server.Spec);
        if (seen.Power == declared || fiber.Sent || StopHeld(server.Spec)) return;
        if (!reached.TryGetValue(uid, out var reachedAt) || specStateSince.GetValueOrDefault(uid) > reachedAt) return;
        if (lastSend.GetValueOrDefault(read.ServerId) > reachedAt || server.Status?.PowerState != declared) return;
        var wrote = fiber.LastWritten ?? server.Status;
        var ready = Conditions.Find(wrote?.Conditions, ConditionTypes.Ready);
        var synced = Conditions.Find(wrote?.Conditions, ConditionTypes.Synced);
        var last = wrote?.LastAction;
        var window = declared == PowerState.Running ? settings.StartEffectTimeout : Grace(server);
        var kind = synced?.Reason == Api.Vocabulary.Reasons.InvalidSpec ? "drift ignored while an annotation is invalid"
            : last is { Result: ActionResult.Accepted } && sim.Now - last.RequestTime < window + TimestampPrecision ? "drift correction waits out the last action's window"
            : $"drift not corrected ({ready?.Reason})";
        Report("P7", kind,
            $"server {read.ServerId} reported {seen.Power} while declared {declared}; the operator had recorded it {declared} "
            + $"(read seq {reachedAt}) and nothing was sent since, yet this reconcile sent nothing. It wrote Ready={ready?.Status}/{ready?.Reason} "
            + $"\"{ready?.Message}\"; lastAction {Describe(wrote?.LastAction)}");
    }

    // ---- The checks ----

    /// <summary>P1 (at most one request per token) and P2 (a token present at first sight is never executed).</summary>
    private void CheckOneShot(ProviderRequest request)
    {
        var type = request.Action!.Value;
        if (request.Token is not { } token)
        {
            Report("P1", $"{type} without a Sending record", $"a {type} reached the provider from {request.Fiber.Name} without its reconcile having written a one-shot token as Sending");
            return;
        }
        var uid = request.Fiber.ReadObject?.Metadata.Uid;
        if (uid is not null && firstSight.TryGetValue(uid, out var adopted) && adopted.Contains(token))
        {
            var first = firstStatus.GetValueOrDefault(uid, "none");
            Report("P2", $"token present at first sight executed; first status written: {first}",
                $"{type} token \"{token}\" was on {request.Fiber.ReadObject!.Metadata.Name} ({uid}) when the operator first saw it, "
                + $"so it must be adopted, but a {type} was sent for it (first status the operator wrote: {first})");
            return;
        }
        if (!oneShots.TryGetValue((request.ServerId, type, token), out var earlier)) oneShots[(request.ServerId, type, token)] = earlier = [];
        earlier.Add(request);
        if (earlier.Count > 1)
        {
            var deposed = earlier.Any(r => r.Fiber.Process.Deposed) ? " (one by a deposed leader)" : "";
            var carriedOut = earlier.Count(r => r.Applied);
            var dubious = uid is not null && lastDubiousWrite.TryGetValue(uid, out var w) && w.Seq > earlier[0].Seq ? w : default;
            var between = dubious.Writer is null ? "" : $" after a status write {(dubious.Deposed ? "by a deposed leader" : "from a stale read")}";
            Report("P1", $"one-shot sent twice{deposed}{between}, carried out {(carriedOut > 1 ? "twice" : carriedOut == 1 ? "once" : "never")}",
                $"{type} token \"{token}\" reached the provider {earlier.Count} times: "
                + string.Join("; ", earlier.Select(r => $"{Trace.Stamp(r.At)} by {r.Fiber.Name} → {r.Outcome.Kind}"))
                + (dubious.Writer is null ? "" : $"; in between, {dubious.Writer} wrote status{(dubious.Deposed ? " as a deposed leader" : " from a stale read")}"));
        }
    }

    /// <summary>P3: kill only escalates a stop that was sent, accepted and outlived spec.stop.gracePeriod while the server never reported Stopped.</summary>
    private void CheckKill(ProviderRequest kill)
    {
        var grace = Grace(kill.Fiber.ReadObject);
        if (Stored(kill.Fiber.Key) is { } now && Grace(now) is var current && current < grace) grace = current;
        if (KillUnjustified(kill, grace) is { } violation) KillViolation(kill, violation.Kind, violation.Why);
    }

    /// <summary>Why <paramref name="kill"/> breaks P3, scanning back to the action before it, or null when a stop justifies it.</summary>
    private (string Kind, string Why)? KillUnjustified(ProviderRequest kill, TimeSpan grace)
    {
        ProviderRequest? tooEarly = null;
        foreach (var r in requests[kill.ServerId].AsEnumerable().Reverse())
        {
            if (ReferenceEquals(r, kill)) continue;
            if (r.IsRead)
            {
                if (r.Observed?.Power == PowerState.Stopped)
                    return ("kill after the server had reported Stopped", $"the server reported Stopped at {Trace.Stamp(r.At)}, after any stop that could justify a kill");
                continue;
            }
            var mayHaveActed = r.Applied || r.Outcome.IsAccepted || r.Outcome.MayHaveReachedProvider;
            switch (r.Action)
            {
                // Measured from when the provider took the stop, to the tick: status times are whole seconds, and the
                // operator must not let that truncation shorten the grace period.
                case ActionType.Stop when r.Outcome.IsAccepted:
                    if (kill.At - r.At >= grace) return null;
                    tooEarly ??= r;
                    break;
                // Only the stops after it count: the latest of them came too soon, or there was none.
                case ActionType.Start or ActionType.Restart or ActionType.Rebuild when mayHaveActed:
                    return tooEarly is null
                        ? ($"kill as the first action after a {r.Action}", $"the last action before it was {r.Action} at {Trace.Stamp(r.At)} ({r.Outcome.Kind}); no stop was accepted since")
                        : TooEarly(tooEarly, grace);
            }
        }
        return tooEarly is null ? ("kill without an accepted stop", "no stop was ever accepted for this server before it") : TooEarly(tooEarly, grace);
    }

    private static (string Kind, string Why) TooEarly(ProviderRequest stop, TimeSpan grace) =>
        ("kill before the grace period", $"the stop accepted at {Trace.Stamp(stop.At)} had not outlived gracePeriod {GoDuration.Format(grace)}");

    private void KillViolation(ProviderRequest kill, string kind, string why)
    {
        var deposed = kill.Fiber.Process.Deposed ? " (by a deposed leader)" : "";
        Report("P3", kind + deposed, $"Kill sent to server {kill.ServerId} by {kill.Fiber.Name}: {why}");
    }

    /// <summary>
    /// P8: one owner per server. An action reaches a server only from the ServerPower that owns it: no other object
    /// created earlier (then by namespace, name, uid) declared that server id all through the reconcile that sent it.
    /// </summary>
    private void CheckOneOwner(ProviderRequest request)
    {
        if (request.Fiber.ReadObject is not { Metadata.Uid: { } uid } sender) return;
        var id = Operator.Ownership.CachedServerIdLookup.Normalize(request.ServerId);
        var owner = AllStored()
            .Where(o => o.Metadata.Uid != uid && Operator.Ownership.CachedServerIdLookup.Normalize(o.Spec.ServerId) == id
                && declaresSince.GetValueOrDefault(o.Metadata.Uid!, long.MaxValue) < request.Fiber.StartSeq
                && Operator.Ownership.ServerOwnership.Order.Compare(o, sender) < 0)
            .FirstOrDefault();
        if (owner is not null)
            Report("P8", "two ServerPowers act on one server",
                $"{request.Action} sent to server {request.ServerId} by {request.Fiber.Name}, while {owner.Metadata.Name} ({owner.Metadata.Uid}), created earlier, declared that server all along");
    }

    /// <summary>
    /// P9: an account's actions in flight in one operator process (<paramref name="process"/>: that process's limits of
    /// the account), counted here across every provider edge the account has had there (a changed PowerProvider or
    /// Secret gives a new one), never exceed its maxConcurrentActions as the operator knows it when one more starts.
    /// Disposing the result ends that action.
    /// </summary>
    public IDisposable OnActionInFlight(object process, string account, int limit)
    {
        var now = actionsInFlight[process] = actionsInFlight.GetValueOrDefault(process) + 1;
        if (now > limit)
            Report("P9", "more actions in flight than maxConcurrentActions", $"{now} actions of account {account} in flight; maxConcurrentActions is {limit}");
        return new Ended(() => actionsInFlight[process]--);
    }

    private sealed class Ended(Action end) : IDisposable
    {
        public void Dispose() => end();
    }

    /// <summary>P4: a one-shot is Done, or lastAction Accepted, only after the provider really answered Accepted.</summary>
    private void CheckNothingUnreadableIsSuccess(ServerPowerResource stored, Fiber writer)
    {
        var status = stored.Status;
        var id = stored.Spec.ServerId;
        var how = writer.Process.Deposed ? " (written by a deposed leader)" : !writer.ReadFresh ? " (written after a stale read)" : "";
        // Tokens are unique in a seed; the server a Done one-shot went to may since have been replaced in spec.serverId.
        foreach (var (type, oneShot) in new[] { (ActionType.Restart, status?.Restart), (ActionType.Rebuild, status?.Rebuild) })
        {
            if (oneShot is { Phase: OneShotPhase.Done } done && !accepted.Any(a => a.Type == type && a.Token == done.Token))
                Report("P4", "one-shot Done without an accepted request" + how, $"status.{type.ToString().ToLowerInvariant()} says token \"{done.Token}\" is Done, but no {type} with that token was accepted by the provider");
        }
        // lastAction names the server it went to (its target), which is not always spec.serverId now.
        if (status?.LastAction is { Target: { } target } sentTo) id = target[(target.LastIndexOf(" server ", StringComparison.Ordinal) + 8)..];
        if (status?.LastAction is { Result: ActionResult.Accepted } last && !accepted.Contains((id, last.Type, last.Token)))
            Report("P4", "lastAction Accepted without an accepted request" + how, $"status.lastAction says {Describe(last)}, but the provider never accepted such a request (status written by {writer.Name})");
    }

    /// <summary>
    /// P6: requests per server per minute stay bounded. Counted: requests of reconciles the operator started by itself;
    /// those a user's edit, another writer or a process start asked for are the world's doing, not a loop.
    /// </summary>
    private void CheckRate(ProviderRequest request)
    {
        if (!request.Fiber.Triggers.All(OperatorDriven.Contains)) return;
        if (!lastMinute.TryGetValue(request.ServerId, out var window)) lastMinute[request.ServerId] = window = new();
        window.Enqueue(request);
        while (window.Peek().At <= request.At - TimeSpan.FromMinutes(1)) window.Dequeue();
        if (window.Count <= MaxRequestsPerMinute) return;
        var groups = window.GroupBy(r => (r.IsRead ? "read" : r.Action.ToString()) + " " + r.Outcome.Kind + (r.Outcome.Kind == OutcomeKind.RateLimited ? $" Retry-After {RetryAfterClass(r.Outcome.RetryAfter)}" : ""))
            .OrderByDescending(g => g.Count()).ToList();
        var top = groups[0].First().Outcome;
        var kind = top.Kind == OutcomeKind.RateLimited ? $"request loop on 429 with Retry-After {RetryAfterClass(top.RetryAfter)}"
            : top.IsAccepted ? "polling at the minimum interval without backoff"
            : $"request loop on {top.Kind}";
        Report("P6", kind, $"{window.Count} provider requests for server {request.ServerId} within one minute: "
            + string.Join(", ", groups.Select(g => $"{g.Key} ×{g.Count()}")) + " (requests of reconciles the operator started by itself)");
    }

    /// <summary>P6: a Retry-After longer than the resync period is honoured by the reconciles the same process starts by itself.</summary>
    private void CheckRetryAfterHonoured(ProviderRequest request)
    {
        var process = request.Fiber.Process;
        if (retryAfter.TryGetValue(request.ServerId, out var wait) && request.At < wait.Until && wait.Process == process
            && !process.Deposed && request.Fiber.Triggers.All(OperatorDriven.Contains))
        {
            Report("P6", $"Retry-After longer than the resync period not honoured (queued by {string.Join("+", request.Fiber.Triggers)})",
                $"the provider answered 429 with Retry-After {wait.Request.Outcome.RetryAfter?.TotalMinutes:0.#} min at {Trace.Stamp(wait.Request.At)}, "
                + $"yet {request.Fiber.Name} (queued by {string.Join("+", request.Fiber.Triggers)}) called it again at {Trace.Stamp(request.At)}");
            return;
        }
        // Any answer but 429 (or no answer at all) shows the provider no longer limits: the wait is over.
        if (request.Outcome.Kind is not (OutcomeKind.RateLimited or OutcomeKind.Unavailable)) retryAfter.Remove(request.ServerId);
        if (request.Outcome is { Kind: OutcomeKind.RateLimited, RetryAfter: { } ra } && ra > settings.ResyncPeriod && !process.Deposed)
        {
            retryAfter[request.ServerId] = (request.At + ra, process, request);
            if (request.At + ra > LatestRetryAfterEnd) LatestRetryAfterEnd = request.At + ra;
        }
    }

    // ---- Helpers ----

    public static PowerState Declared(ServerPowerSpec spec) => spec.State == DesiredPowerState.Running ? PowerState.Running : PowerState.Stopped;

    /// <summary>
    /// An invalid spec.stop.gracePeriod holds every stop (Synced=False InvalidSpec) until it is fixed; a deletion still
    /// stops the server, with the default grace period.
    /// </summary>
    public static bool StopHeld(ServerPowerSpec spec) =>
        Declared(spec) == PowerState.Stopped && !GoDuration.TryParse(spec.Stop?.GracePeriod ?? StopSpec.DefaultGracePeriod, out _);

    private static TimeSpan Grace(ServerPowerResource? server) =>
        GoDuration.TryParse(server?.Spec.Stop?.GracePeriod ?? StopSpec.DefaultGracePeriod, out var grace) ? grace : TimeSpan.FromMinutes(10);

    private static string Reasons(ServerPowerStatus status)
    {
        var ready = Conditions.Find(status.Conditions, ConditionTypes.Ready);
        var synced = Conditions.Find(status.Conditions, ConditionTypes.Synced);
        return $"Ready={ready?.Reason ?? "-"} Synced={synced?.Reason ?? "-"}";
    }

    private static string RetryAfterClass(TimeSpan? retryAfter) => retryAfter switch
    {
        null => "absent",
        { } r when r == TimeSpan.Zero => "0",
        { } r when r < TimeSpan.Zero => "in the past",
        { } r when r <= TimeSpan.FromMinutes(1) => "of seconds",
        _ => "longer than a minute",
    };

    private static string Describe(LastAction? last) =>
        last is null ? "none" : $"{last.Type}{(last.Token is null ? "" : $"[{last.Token}]")}/{last.Result} at {Trace.Stamp(last.RequestTime)}";
}
