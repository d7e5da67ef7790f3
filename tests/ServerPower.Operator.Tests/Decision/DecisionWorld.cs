using k8s.Models;
using ServerPower.Api.Resources;
using ServerPower.Api.Serialization;
using ServerPower.Api.Vocabulary;
using ServerPower.Operator.Decision;
using ServerPower.Providers.Contract;

namespace ServerPower.Operator.Tests.Decision;

/// <summary>One step of a generated history: a user edit, a change in the world, a clock step or a reconcile.</summary>
public abstract record Step
{
    public sealed record Declare(DesiredPowerState State) : Step;
    public sealed record Annotate(ActionType Type, string Token) : Step;
    public sealed record Suspend(bool On) : Step;
    public sealed record Delete : Step;
    public sealed record Orphan : Step;
    public sealed record World(PowerState Power) : Step;
    public sealed record Wait(double Seconds) : Step;
    /// <summary>
    /// The object is pointed elsewhere: <paramref name="To"/> indexes <see cref="DecisionWorld.Targets"/> (another
    /// server id, another endpoint for the same PowerProvider, another PowerProvider for the same account).
    /// </summary>
    public sealed record Retarget(int To) : Step;
    /// <summary>The override annotation is set to <paramref name="Value"/> (null removes it); extremes included.</summary>
    public sealed record Override(string? Value) : Step;
    /// <summary>Another ServerPower, created earlier, owns the server (or no longer does).</summary>
    public sealed record Conflict(bool On) : Step;
    /// <summary>
    /// One reconcile. <paramref name="View"/>: 0 read ok, 1 read fails (503), 2 PowerProvider missing, 3 credentials
    /// missing, 4 server not found, 5 read rate-limited. <paramref name="Answer"/> is the provider's answer to an action:
    /// 0 accepted, 1 refused, 2 lost (timeout after sending), 3 rate limited, 4 forbidden, 5 not found, 6 operator crash
    /// after the request left. <paramref name="Stale"/>: decide from the status as it was before the previous reconcile.
    /// </summary>
    public sealed record Reconcile(int View, int Answer, bool Stale) : Step;
    /// <summary>spec.autoStop (idleAfter 30s, maxRuntime 1h, a Minecraft target) is set or removed.</summary>
    public sealed record AutoStop(bool On) : Step;
    /// <summary>What an activity read sees from now on: a player count, or null (unknown: the read fails).</summary>
    public sealed record Players(int? Count) : Step;
    /// <summary>The activity monitor reads the server (when it watches it).</summary>
    public sealed record Read : Step;
    /// <summary>The wake annotation is set to <paramref name="Token"/>.</summary>
    public sealed record Wake(string Token) : Step;
    /// <summary>
    /// spec.state Scheduled (or back to Running/Stopped): <paramref name="Kind"/> 0 stops following a schedule, 1 follows
    /// one running 10:00-10:20 and 11:00-11:40 (UTC, every day) whose edges the clock crosses, 2 follows one that is
    /// missing, 3 one that is invalid.
    /// </summary>
    public sealed record Schedule(int Kind) : Step;
    /// <summary>The readiness probe now stands at <paramref name="Verdict"/>; null: the server has no probe.</summary>
    public sealed record Probe(ServerPower.Operator.Decision.ProbeVerdict? Verdict) : Step;
    /// <summary>
    /// What spec.startAfter says around the server now (a <see cref="DependencyView"/>): 0 nothing, 1 a dependency not
    /// Ready, 2 a dependent being stopped that still runs, 3 a dependent still declared Running and running, 4 an invalid
    /// order (a cycle).
    /// </summary>
    public sealed record Order(int Kind) : Step;
}

/// <summary>
/// A model of one ServerPower over time for property tests of the pure decision: the object as the API server would
/// store it (with a resourceVersion checked on guarded writes), a provider server, a clock, and every request sent.
/// It plays the reconciler's protocol exactly: decide; for a guarded action write the decided status first (checked
/// against the version decided from); send; record the answer.
/// </summary>
public sealed class DecisionWorld
{
    public static readonly DecisionSettings Settings = Cases.Settings;
    private static readonly ProviderCapabilities Wings = Cases.Wings with { RebuildUsesSpec = false };

    private readonly Dictionary<string, string> annotations = [];
    private readonly HashSet<(ActionType, string)> adoptedAtFirstSight = [];
    /// <summary>Each new annotation value is one request; re-applying the same value is not a new one.</summary>
    private readonly Dictionary<ActionType, (string Token, int Request)> requests = [];
    private readonly HashSet<(ActionType, string)> sentTokens = [];
    private readonly Dictionary<(string Endpoint, string ServerId), PowerState> power = [];
    private int target;
    private bool conflict;
    private int nextRequest;
    private ServerPowerStatus? status;
    private ServerPowerStatus? previousStatus;
    private long version = 1;
    private long previousVersion = 1;
    private long generation = 1;
    private bool autoStop;
    private int? players;
    /// <summary>The monitor's state while it watches the server (null: not watched), and the reads it made since it began.</summary>
    private ServerPower.Operator.Decision.ActivityState? activity;
    private readonly List<(DateTimeOffset At, int? Players)> reads = [];
    private readonly HashSet<string> wakeTokens = [];
    private int schedule;
    private ServerPower.Operator.Decision.ProbeVerdict? probe;
    private int order;
    public int Holds { get; private set; }
    public int ScheduledDecisions { get; private set; }
    public int ProbedDecisions { get; private set; }
    /// <summary>An auto-stop was sent and no wake condition came since: nothing may start the server.</summary>
    private bool autoStopped;
    public static readonly TimeSpan IdleAfter = TimeSpan.FromSeconds(30);
    public int AutoStops { get; private set; }
    public int IdleStops { get; private set; }

    public DateTimeOffset Now { get; private set; } = Cases.T0;
    public DesiredPowerState Declared { get; private set; } = DesiredPowerState.Running;
    public bool Suspended { get; private set; }
    public bool Deleting { get; private set; }
    public DeletionPolicy DeletionPolicy { get; private set; } = DeletionPolicy.Stop;
    public bool Released { get; private set; }
    /// <summary>Where the object points: spec.serverId, spec.providerRef and that PowerProvider's endpoint.</summary>
    public static readonly (string ServerId, string ProviderRef, string Endpoint)[] Targets =
    [
        ("1", "p", "https://a.example.com"), ("2", "p", "https://a.example.com"), ("1", "p", "https://b.example.com"), ("1", "q", "https://a.example.com"),
    ];

    private (string Endpoint, string ServerId) Physical => (Targets[target].Endpoint, Targets[target].ServerId);

    /// <summary>The state of the server the object points at now (each server has its own).</summary>
    public PowerState Power
    {
        get => power.GetValueOrDefault(Physical, PowerState.Running);
        private set => power[Physical] = value;
    }

    public List<(DateTimeOffset At, ActionType Type, string? Token, bool Accepted, (string, string) Server)> Requests { get; } = [];
    public List<string> Violations { get; } = [];
    public List<string> Trace { get; } = [];
    public TimeSpan Grace { get; } = TimeSpan.FromMinutes(10);

    public void Apply(Step step)
    {
        if (Released) return;
        switch (step)
        {
            case Step.Declare d: Declared = d.State; Edited(); break;
            case Step.Annotate a:
                var key = a.Type == ActionType.Rebuild ? Annotations.Rebuild : Annotations.Restart;
                annotations[key] = a.Token;
                // The value present when the object is first seen must never run; a value set later is a new request
                // (even one equal to an earlier value), so only the last value before the first status counts.
                adoptedAtFirstSight.RemoveWhere(t => t.Item1 == a.Type);
                if (!requests.TryGetValue(a.Type, out var current) || current.Token != a.Token) requests[a.Type] = (a.Token, ++nextRequest);
                if (status is null && OneShotTokens.IsValid(a.Token)) adoptedAtFirstSight.Add((a.Type, a.Token));
                break;
            case Step.Suspend s: Suspended = s.On; Edited(); break;
            case Step.Delete: Deleting = true; Released |= DeletionPolicy == DeletionPolicy.Orphan; break;
            case Step.Orphan: DeletionPolicy = DeletionPolicy.Orphan; Edited(); if (Deleting) Released = true; break;
            case Step.World w: Power = w.Power; break;
            case Step.Wait w: Now = Now.AddSeconds(w.Seconds); break;
            case Step.Retarget t: target = t.To % Targets.Length; Edited(); break;
            case Step.Override o:
                if (o.Value is null) annotations.Remove(Annotations.Override);
                else annotations[Annotations.Override] = o.Value;
                autoStopped = false;
                break;
            case Step.Conflict c: conflict = c.On; break;
            case Step.Reconcile r: Reconcile(r); break;
            case Step.AutoStop a: autoStop = a.On; Edited(); break;
            case Step.Players p: players = p.Count; break;
            case Step.Read: ReadActivity(); break;
            case Step.Schedule sc: schedule = sc.Kind % 4; Edited(); break;
            case Step.Probe pr: if ((probe is null) != (pr.Verdict is null)) Edited(); probe = pr.Verdict; break;
            case Step.Order o: order = o.Kind % 5; break;
            case Step.Wake w:
                annotations[Annotations.Wake] = w.Token;
                if (OneShotTokens.IsValid(w.Token) && wakeTokens.Add(w.Token)) autoStopped = false;
                break;
        }
    }

    /// <summary>A spec edit: a new generation, which wakes an auto-stopped server.</summary>
    private void Edited()
    {
        generation++;
        autoStopped = false;
    }

    private ServerPower.Providers.Activity.ActivityRead ReadActivity()
    {
        var read = players is { } n ? ServerPower.Providers.Activity.ActivityRead.Count(n, $"{n} players")
            : ServerPower.Providers.Activity.ActivityRead.Unknown(ServerPower.Providers.Activity.ActivityOutcome.TimedOut, "no answer");
        if (activity is null) return read;
        activity = ServerPower.Operator.AutoStop.IdleRun.Apply(activity, read, Now);
        reads.Add((Now, read.Players));
        return read;
    }

    /// <summary>
    /// An idle stop only after an unbroken run of successful reads of 0 players lasting idleAfter, the last of them the
    /// confirmation read; unknown never counts.
    /// </summary>
    private void CheckIdleStop(ServerPower.Providers.Activity.ActivityRead? confirmation)
    {
        Check(confirmation is { Players: 0 }, $"an idle stop sent without a confirmation read of 0 (confirmation: {confirmation})");
        var run = reads.AsEnumerable().Reverse().TakeWhile(r => r.Players == 0).ToList();
        Check(run.Count > 0 && Now - run[^1].At >= IdleAfter,
            $"an idle stop after {(run.Count > 0 ? Now - run[^1].At : TimeSpan.Zero)} of reads of 0 (reads: {string.Join(", ", reads.TakeLast(6))})");
    }

    private ServerPowerResource Object(ServerPowerStatus? stored) => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = "mc", NamespaceProperty = "games", Generation = generation, Annotations = new Dictionary<string, string>(annotations),
            DeletionTimestamp = Deleting ? Cases.T0.UtcDateTime : null,
            Finalizers = DeletionPolicy == DeletionPolicy.Stop ? [Annotations.StopFinalizer] : null,
        },
        Spec = new ServerPowerSpec
        {
            ProviderRef = new LocalObjectReference { Name = Targets[target].ProviderRef }, ServerId = Targets[target].ServerId, Suspend = Suspended,
            State = schedule == 0 ? Declared : DesiredPowerState.Scheduled, ScheduleRef = schedule == 0 ? null : new LocalObjectReference { Name = "hours" },
            ReadinessProbe = probe is null ? null : new ReadinessProbeSpec { TcpSocket = new TcpSocketProbe { Host = "mc.example.com", Port = 25565 } },
            DeletionPolicy = DeletionPolicy, Stop = new StopSpec { GracePeriod = "10m", OnTimeout = StopTimeoutAction.Kill },
            AutoStop = !autoStop ? null : new AutoStopSpec
            {
                IdleAfter = "30s", MaxRuntime = "1h", Activity = new ActivitySpec { Minecraft = new ActivityEndpoint { Host = "mc.example.com", Port = 25565 } },
            },
        },
        Status = stored is null ? null : ApiJson.Deserialize<ServerPowerStatus>(ApiJson.Serialize(stored)),
    };

    /// <summary>The PowerSchedule the object follows (for <see cref="Step.Schedule"/> kinds 1 and 3; null: none or missing).</summary>
    private PowerScheduleResource? ScheduleObject() => schedule switch
    {
        1 => new PowerScheduleResource
        {
            Metadata = new V1ObjectMeta { Name = "hours", NamespaceProperty = "games" },
            Spec = new PowerScheduleSpec { Running = [new ScheduleWindow { From = "10:00", To = "10:20" }, new ScheduleWindow { From = "11:00", To = "11:40" }] },
        },
        3 => new PowerScheduleResource
        {
            Metadata = new V1ObjectMeta { Name = "hours", NamespaceProperty = "games" },
            Spec = new PowerScheduleSpec { Running = [new ScheduleWindow { From = "25:00", To = "10:20" }] },
        },
        _ => null,
    };

    /// <summary>What the prober tells the decision, counted from the start the decision counts from (as the prober keys it).</summary>
    private ReadinessView? Readiness(ServerPowerResource server, ProviderView view)
    {
        if (probe is not { } verdict) return null;
        var since = ServerPowerDecider.ProbeSince(server.Status, view is ProviderView.Resolved { Capabilities.CanReadState: false });
        return new ReadinessView(new ProbeSnapshot(since, verdict, verdict == ServerPower.Operator.Decision.ProbeVerdict.Passing ? ProbeResult.Success : ProbeResult.Failure,
            Now, verdict == ServerPower.Operator.Decision.ProbeVerdict.Passing ? 1 : 0, verdict == ServerPower.Operator.Decision.ProbeVerdict.Failing ? 3 : 0, "probe"));
    }

    private DependencyView? Dependencies() => order switch
    {
        1 => new DependencyView(["db"], []),
        2 => new DependencyView([], ["web"]),
        3 => new DependencyView([], [], RunningDependents: ["web"]),
        4 => new DependencyView([], [], "spec.startAfter forms a cycle: mc → web → mc"),
        _ => null,
    };

    /// <summary>
    /// The later features' promises: a Start only while the effective desired state is Running, a Stop only while it is
    /// Stopped (or for a deletion or an auto-stop); no Start while a dependency is not Ready and nothing at all sent for
    /// an invalid order (a deletion's stop aside); no Stop while a dependent being stopped still runs (a deletion waits
    /// for that at most its grace period), nor before the stop-order window since status.stopHeldSince ran out while a
    /// dependent is still declared Running; Ready=True InDesiredState with a probe only once the probe passes.
    /// </summary>
    private void CheckLaterFeatures(ServerPowerResource server, DecisionInput input, ServerPower.Operator.Decision.Decision decision)
    {
        var intent = (input.Intent as Intent.Known)?.State;
        if (schedule != 0) ScheduledDecisions++;
        if (probe is not null) ProbedDecisions++;
        var ready = Conditions.Find(decision.Status.Conditions, ConditionTypes.Ready);
        if (ready?.Reason == Reasons.WaitingForDependencies) Holds++;
        var type = decision.Action?.Type;
        if (type == ActionType.Start)
        {
            Check(intent == TargetPowerState.Running, $"Start decided while the effective desired state is {intent?.ToString() ?? "unknown"}");
            Check(order is not (1 or 4), $"Start decided while spec.startAfter holds it ({input.Dependencies})");
        }
        // An auto-stop (and its escalation, and a stop again of an auto-stopped server started outside) is a stop while Running.
        if (type is ActionType.Stop or ActionType.Kill && !Deleting && decision.Action!.AutoStop is null && server.Status?.AutoStop?.StoppedAt is null)
            Check(intent == TargetPowerState.Stopped, $"{type} decided while the effective desired state is {intent?.ToString() ?? "unknown"}");
        if (type is not null && !Deleting) Check(order != 4, $"{type} decided for an invalid order");
        // A stop sent again to a server still Stopping after its accepted stop or kill outlived the grace period is not an
        // order event: the server is already going down (CsCheck seed 7POH4k5aRgu2, 2026-12-05: the kill did not stop it,
        // a dependent then declared Running, and the stop sent again was counted as a first stop).
        var resent = server.Status?.LastAction is { Type: ActionType.Stop or ActionType.Kill, Result: ActionResult.Accepted }
            && input.Provider is ProviderView.Resolved { Read.Server.Power: PowerState.Stopping };
        if (type == ActionType.Stop && order == 2 && !resent)
            Check(Deleting && Now - Cases.T0 >= Grace, "Stop decided while a dependent being stopped still runs");
        if (type == ActionType.Stop && order == 3 && !Deleting && !resent)
            Check(server.Status?.StopHeldSince is { } held && Now - held >= Settings.StopOrderWindow,
                $"Stop decided while a dependent is declared Running, before the stop-order window ran out (stopHeldSince {server.Status?.StopHeldSince:HH:mm:ss})");
        // A server the auto-stop holds stopped says so on every path (CsCheck seed 7Utnm0ZS92h4, 2026-12-05: with an invalid
        // spec.startAfter it said InDesiredState).
        if (!Deleting && intent == TargetPowerState.Running && decision.Status.AutoStop?.StoppedAt is not null && decision.Status.DesiredState == TargetPowerState.Stopped)
            Check(ready?.Reason != Reasons.InDesiredState, "an auto-stopped server reported Ready InDesiredState instead of AutoStopped");
        if (Deleting && order == 2 && Now - Cases.T0 >= Grace)
            Check(ready?.Reason != Reasons.WaitingForDependencies || decision.ReleaseFinalizer, "a deletion still held for a dependent past its grace period");
        // The probe applies while the effective desired state is Running: the intent, and no auto-stop hold the decision
        // keeps (status.desiredState Stopped). CsCheck seed 7Utnm0ZS92h4 (2026-12-05): a server held Stopped after a
        // maxRuntime auto-stop, its probe Pending, reported Ready=True InDesiredState "the server is Stopped".
        if (probe is not null && probe != ServerPower.Operator.Decision.ProbeVerdict.Passing && input.Readiness?.Snapshot is not null && !Deleting)
            Check(!(ready is { Status: ConditionStatus.True, Reason: Reasons.InDesiredState } && intent == TargetPowerState.Running
                    && decision.Status.DesiredState == TargetPowerState.Running),
                $"Ready=True InDesiredState while the readiness probe is {probe}");
    }

    private ProviderView View(int view) => view switch
    {
        1 => Resolved(ReadResult.Failed(new ProviderOutcome(OutcomeKind.Unavailable, "503"))),
        2 => new ProviderView.Unresolved(Reasons.ProviderNotFound, "PowerProvider \"p\" not found"),
        3 => new ProviderView.Unresolved(Reasons.CredentialsMissing, "Secret not found"),
        4 => Resolved(ReadResult.Failed(new ProviderOutcome(OutcomeKind.NotFound, "404"))),
        5 => Resolved(ReadResult.Failed(new ProviderOutcome(OutcomeKind.RateLimited, "429", TimeSpan.Zero))),
        _ => Resolved(ReadResult.Of(new ObservedServer(Power, Power.ToString().ToLowerInvariant()))),
    };

    private ProviderView Resolved(ReadResult read) =>
        new ProviderView.Resolved(ProviderType.Wings, Wings, read, null, Endpoint: Targets[target].Endpoint);

    private void Reconcile(Step.Reconcile r)
    {
        var (decidedFrom, decidedVersion) = r.Stale && previousStatus is not null ? (previousStatus, previousVersion) : (status, version);
        var server = Object(decidedFrom);
        // The override and the schedule are worked out as the reconciler does: no value a user can write may throw out of either.
        var view = View(r.View);
        var input = new DecisionInput(server, view, Now, Settings, Readiness(server, view), Dependencies(),
            ServerPower.Operator.Scheduling.EffectiveState.Resolve(server, ScheduleObject(), Now),
            Conflict: conflict ? "another ServerPower owns this server" : null);
        // The monitor as the reconciler drives it: it watches the server only while the decision reads it.
        if (!autoStop || !ServerPowerDecider.ActivityRuns(input))
        {
            activity = null;
            reads.Clear();
        }
        else activity ??= ServerPower.Operator.Decision.ActivityState.Fresh;
        input = input with { AutoStop = activity is null ? null : new AutoStopView(activity) };
        var decision = ServerPowerDecider.Decide(input);
        ServerPower.Providers.Activity.ActivityRead? confirmation = null;
        if (decision.Action is { AutoStop: AutoStopReason.Idle } && input.AutoStop is { } unconfirmed)
        {
            confirmation = ReadActivity();
            input = input with { AutoStop = unconfirmed with { Activity = activity, Confirmation = confirmation } };
            decision = ServerPowerDecider.Decide(input);
        }
        var last = server.Status?.LastAction;
        Trace.Add($"{Now:HH:mm:ss} {r} power={Power} declared={Declared} deleting={Deleting} last={last?.Type}/{last?.Result}@{last?.RequestTime:HH:mm:ss} settled={last?.SettledTime:HH:mm:ss} -> {decision.Action?.Type}");
        Check(decision.RequeueAfter is null || decision.RequeueAfter >= Settings.MinPoll, $"requeue after {decision.RequeueAfter}");
        CheckDrift(server, input, decision);
        CheckLaterFeatures(server, input, decision);

        if (decision.Action is { } action)
        {
            Check(!conflict, $"{action.Type} decided while another ServerPower owns the server");
            if (decidedVersion != version) return; // 409: the object changed since it was read; nothing is sent
            Write(decision.Status);
            decidedVersion = version; // the reconciler goes on with the object its write returned
            CheckKill(action, input);
            var answer = r.Answer switch
            {
                1 => new ProviderOutcome(OutcomeKind.Invalid, "refused"),
                2 => new ProviderOutcome(OutcomeKind.Unavailable, "no answer", MayHaveReachedProvider: true),
                3 => new ProviderOutcome(OutcomeKind.RateLimited, "slow down", TimeSpan.Zero),
                4 => new ProviderOutcome(OutcomeKind.Forbidden, "no access"),
                5 => new ProviderOutcome(OutcomeKind.NotFound, "gone"),
                _ => ProviderOutcome.Accepted("ok"),
            };
            Requests.Add((Now, action.Type, action.OneShotToken, answer.IsAccepted || r.Answer == 6, Physical));
            if (action.AutoStop == AutoStopReason.Idle)
            {
                CheckIdleStop(confirmation);
                IdleStops++;
            }
            Check(!(autoStopped && action.Type == ActionType.Start), "an auto-stopped server was started again with no wake condition since");
            if (action.AutoStop is not null)
            {
                autoStopped = true;
                AutoStops++;
            }
            if (action.OneShotToken is { } token)
            {
                var request = requests[action.Type];
                Check(request.Token == token, $"{action.Type} token {token} sent while the annotation says {request.Token}");
                // Histories use fewer tokens than the operator remembers, so a token set again (a rollback) never runs again.
                Check(sentTokens.Add((action.Type, token)), $"{action.Type} token {token} sent a second time (set again after another token)");
                Check(!adoptedAtFirstSight.Contains((action.Type, token)), $"{action.Type} token {token} present at first sight was executed");
            }
            if (r.Answer == 6) return; // the operator crashed: nothing more is written
            if (answer.IsAccepted) Power = Effect(action.Type);
            decision = ServerPowerDecider.AfterAction(input with { Now = Now }, decision.Sent, answer);
            Check(decision.RequeueAfter is null || decision.RequeueAfter >= Settings.MinPoll, $"requeue after {decision.RequeueAfter}");
            if (!answer.IsAccepted)
            {
                var oneShot = action.Type == ActionType.Rebuild ? decision.Status.Rebuild : decision.Status.Restart;
                Check(action.OneShotToken is null || oneShot?.Phase != OneShotPhase.Done, "an unaccepted one-shot was recorded Done");
            }
        }
        if (decidedVersion != version) return; // a stale status patch would still land (merge, no resourceVersion)
        Write(decision.Status);
        if (decision.ReleaseFinalizer && Deleting) Released = true;
        CheckDeletion(server, decision);
    }

    private PowerState Effect(ActionType type) => type switch
    {
        ActionType.Start => PowerState.Starting,
        ActionType.Stop => PowerState.Stopping,
        ActionType.Kill => PowerState.Stopped,
        _ => PowerState.Stopping,
    };

    private void Write(ServerPowerStatus next)
    {
        previousStatus = status;
        previousVersion = version;
        status = next;
        version++;
    }

    /// <summary>
    /// Kill only escalates a Stop that this very server accepted at least the grace period ago, with no start, restart,
    /// rebuild or kill accepted by it since that stop (a later, repeated stop does not restart the clock), and only
    /// while the server still reports Stopping (one seen Running again gets a new graceful stop).
    /// </summary>
    private void CheckKill(PlannedAction action, DecisionInput input)
    {
        if (action.Type != ActionType.Kill) return;
        var mine = Requests.Where(q => q.Server == Physical).ToList();
        var sinceOtherAction = mine.Skip(mine.FindLastIndex(q => q.Accepted && q.Type != ActionType.Stop) + 1);
        var stop = sinceOtherAction.FirstOrDefault(q => q.Accepted && q.Type == ActionType.Stop);
        Check(stop.Type == ActionType.Stop && stop.Accepted && Now - stop.At >= Grace,
            $"kill of server {Physical} without an accepted stop to it at least {Grace} before and no other action since");
        Check(input.Provider is ProviderView.Resolved { Read.Server.Power: PowerState.Stopping }, "kill of a server that does not report Stopping");
    }

    /// <summary>A managed server that settled and then drifted is acted on at the first reconcile that sees it.</summary>
    private void CheckDrift(ServerPowerResource server, DecisionInput input, ServerPower.Operator.Decision.Decision decision)
    {
        if (server.Status is not { } stored || Suspended || Deleting || conflict || input.Provider is not ProviderView.Resolved { Read.Server: { } observed }) return;
        if (schedule != 0 || order is 1 or 4) return; // declared by a schedule, or a start spec.startAfter holds
        var settled = stored.LastAction is not { Result: ActionResult.Accepted, SettledTime: null };
        var pendingOneShot = annotations.Count > 0; // an override annotation counts too: it changes what is declared
        if (settled && !pendingOneShot && stored.AutoStop?.StoppedAt is null && Declared == DesiredPowerState.Running && observed.Power == PowerState.Stopped)
            Check(decision.Action?.Type == ActionType.Start, "a settled server that drifted to Stopped was not started at once");
    }

    private void CheckDeletion(ServerPowerResource server, ServerPower.Operator.Decision.Decision decision)
    {
        if (!Deleting || server.Metadata.Finalizers is null) return;
        if (Suspended) Check(decision.ReleaseFinalizer, "a suspended object being deleted kept its finalizer");
    }

    private void Check(bool holds, string violation)
    {
        if (!holds) Violations.Add($"{Now:HH:mm:ss} {violation}\n  trace:\n  " + string.Join("\n  ", Trace.TakeLast(12)));
    }
}
