using ServerPower.Api.Resources;
using ServerPower.Api.Serialization;
using ServerPower.Api.Vocabulary;

namespace ServerPower.Operator.Decision;

/// <summary>
/// The status being decided, with the small helpers every branch of the decision uses. What the decision knows before
/// any rule runs (deletion, intent, desired state, target, grace period, whether state can be read) is fixed when the
/// draft is made; the rules then report findings and events and end with one <see cref="Decision"/> case.
/// <para>
/// The rule for the conditions, whatever order the rules ran in: the rules report findings (<see cref="Synced"/>,
/// <see cref="Ready"/>) and the ending case resolves them once (<see cref="ConditionFindings"/>): Synced is False
/// naming every failure found (the reason ranked first by <see cref="ConditionFindings.SyncedRank"/>), else the one
/// success, else as stored; Ready is the one verdict (a second throws), else as stored, and then, while a one-shot is
/// Uncertain and its annotation still carries its token, False OneShotUncertain; status.plannedAction is written last,
/// from that Ready.
/// </para>
/// </summary>
internal sealed class Draft
{
    private readonly List<DecisionEvent> events;
    private readonly ConditionFindings findings = new();

    private Draft(DecisionInput input, ServerPowerStatus? status, IEnumerable<DecisionEvent> events, bool observing)
    {
        Input = input;
        this.events = events.ToList();
        Observing = observing;
        var meta = input.Server.Metadata;
        Deleting = Deletion.StopsServer(input.Server);
        Intent = input.Intent ?? Intent.FromSpec(input.Server.Spec);
        Unknown = Deleting ? null : Intent as Intent.Unknown;
        Woken = Deleting ? null : AutoStopHold.Woken(input, status, Intent);
        AutoStopped = !Deleting && Woken is null && Intent is Intent.Known { State: TargetPowerState.Running } && status?.AutoStop is { StoppedAt: not null } held
            ? held
            : null;
        Desired = Deleting || AutoStopped is not null || Intent is not Intent.Known { State: TargetPowerState.Running } ? DesiredPowerState.Stopped : DesiredPowerState.Running;
        Status = (status ?? new ServerPowerStatus()) with
        {
            ObservedGeneration = meta.Generation,
            DesiredState = Unknown is not null ? null : Desired == DesiredPowerState.Running ? TargetPowerState.Running : TargetPowerState.Stopped,
            Override = Intent.Override,
            StopHeldSince = null, // set again by OrderRules.HoldStop while a stop waits for running dependents
        };
        if (Woken is not null) Status = Status with { AutoStop = Status.AutoStop! with { StoppedAt = null, StoppedGeneration = null, Reason = null } };
        // A warning belongs to the stop it announced: declared Running again, the next stop is warned afresh.
        if (Desired == DesiredPowerState.Running) Status = Status with { StopWarning = null };
        Target = input.Provider is ProviderView.Resolved resolved ? ActionTarget.Of(input.Server, resolved) : null;
        Grace = StopGrace.Read(input.Server.Spec);
    }

    /// <summary>
    /// A decision on the stored status. The last action went to another server or account: its grace period and the
    /// kill that may follow it are not this server's. It stays in status.history; the decision starts over (a graceful
    /// stop first).
    /// </summary>
    public static Draft Begin(DecisionInput input)
    {
        var d = new Draft(input, input.Server.Status, [], input.Server.Spec.ManagementPolicy == ManagementPolicy.Observe);
        if (d.Woken is { } woken) d.Event(false, EventReasons.Woken, woken);
        AutoStopHold.RecordToken(d, input.Server.Status);
        if (d.Status.LastAction is { } last && d.SentElsewhere(last))
        {
            d.Status = d.Status with { LastAction = null };
            d.Event(false, EventReasons.TargetChanged, $"the last action ({last.Type}) was sent to {last.Target}; this server is now {d.Target}: starting over");
        }
        return d;
    }

    /// <summary>The decision on the answer to <paramref name="sent"/>: its status and events go on.</summary>
    public static Draft After(DecisionInput input, Decision.Send sent)
    {
        var d = new Draft(input, sent.Status, sent.Events, observing: false);
        // What the decision found wrong still is after the answer: Synced does not turn True until a pass finds nothing.
        foreach (var failure in sent.SyncedFailures) d.findings.Synced(failure);
        return d;
    }

    /// <summary>
    /// managementPolicy Observe: what Manage would do from here, decided on a copy of this draft that acts as Manage
    /// (with findings of its own); status.plannedAction says it (the action, and Manage's Ready message as the reason).
    /// </summary>
    public void PlanAsManaged(Func<Draft, Decision> manage)
    {
        // Stryker disable once Boolean : no rule run on the copy reads Observing; only the copy's own plannedAction would differ, and it is not read
        var managed = manage(new Draft(Input, Status, [], observing: false));
        Plan = new PlannedActionStatus
        {
            Action = managed switch
            {
                Decision.Send send => send.Action.Type.ToString(),
                Decision.Warn => ActionType.Stop.ToString(),
                _ => PlannedActionStatus.None,
            },
            Reason = Conditions.Find(managed.Status.Conditions, ConditionTypes.Ready)?.Message,
        };
    }

    /// <summary>Set by <see cref="PlanAsManaged"/>; otherwise Manage would do what this decision does (nothing, with Observe).</summary>
    private PlannedActionStatus? Plan { get; set; }

    /// <summary>Whether <paramref name="last"/> went to another target than this server's (records without one count as this server's).</summary>
    public bool SentElsewhere(LastAction last) => Target is not null && last.Target is { } sentTo && sentTo != Target;

    /// <summary>Where an action decided now goes (<see cref="ActionTarget"/>); null while the provider is not resolved.</summary>
    public string? Target { get; }

    public DecisionInput Input { get; }

    /// <summary>Being deleted, and the server is to be stopped first (<see cref="Deletion.StopsServer"/>).</summary>
    public bool Deleting { get; }

    /// <summary>managementPolicy Observe: nothing is ever sent (false on the copy <see cref="PlanAsManaged"/> decides on).</summary>
    public bool Observing { get; }

    /// <summary>The provider cannot read the server's state (<see cref="ProviderView.CannotReadState"/>).</summary>
    public bool Blind => Input.Provider.CannotReadState;

    /// <summary>spec.stop.gracePeriod, read once (<see cref="StopGrace.Read"/>).</summary>
    public StopGrace.Reading Grace { get; }

    /// <summary>The state in force before deletion: spec.state, a schedule's, or an override's (Decision/Intent.cs).</summary>
    public Intent Intent { get; }

    /// <summary>Set when no desired state can be known (and the object is not being deleted): nothing is sent.</summary>
    public Intent.Unknown? Unknown { get; }

    /// <summary>The stored auto-stop while it holds (<see cref="AutoStopHold"/>): the server stays stopped; null otherwise.</summary>
    public AutoStopStatus? AutoStopped { get; }

    /// <summary>Why the stored auto-stop ends in this decision (<see cref="AutoStopHold.Woken"/>); null when it does not.</summary>
    public string? Woken { get; }

    /// <summary>Running or Stopped: the effective desired state (Stopped while auto-stopped, <see cref="AutoStopped"/>) (Stopped while being deleted with deletionPolicy Stop).</summary>
    public DesiredPowerState Desired { get; }

    /// <summary>The power state <see cref="Desired"/> means.</summary>
    public PowerState DesiredPower => Desired == DesiredPowerState.Running ? PowerState.Running : PowerState.Stopped;
    public ServerPowerStatus Status { get; set; }

    /// <summary>The actions asked by annotation, in the order they are handled.</summary>
    public static readonly ActionType[] OneShotTypes = [ActionType.Rebuild, ActionType.Restart];

    public string? Annotation(ActionType type) =>
        Input.Server.Metadata.Annotations?.TryGetValue(type == ActionType.Rebuild ? Annotations.Rebuild : Annotations.Restart, out var token) == true
            ? token
            : null;

    public OneShotStatus? OneShotStatus(ActionType type) => type == ActionType.Rebuild ? Status.Rebuild : Status.Restart;

    /// <summary>When a token of this annotation was first handled; null when it never was (or is no longer remembered).</summary>
    public DateTimeOffset? HandledAt(ActionType type, string token) =>
        OneShotStatus(type)?.Handled?.FirstOrDefault(h => h.Token == token)?.Time;

    /// <summary>Sets a one-shot's record; a token it names for the first time joins the handled list (bounded).</summary>
    public void SetOneShot(ActionType type, OneShotStatus value)
    {
        value = Handle(OneShotStatus(type), value);
        Status = type == ActionType.Rebuild ? Status with { Rebuild = value } : Status with { Restart = value };
    }

    /// <summary>Sets status.wake as <see cref="SetOneShot"/> sets a restart's record.</summary>
    public void SetWake(OneShotStatus value) => Status = Status with { Wake = Handle(Status.Wake, value) };

    private OneShotStatus Handle(OneShotStatus? previous, OneShotStatus value)
    {
        IEnumerable<HandledToken> handled = previous?.Handled ?? [];
        var now = KubeTimeConverter.Truncate(Input.Now);
        // A record written before the handled list existed: its token was handled too.
        if (previous is { Token.Length: > 0 } && handled.All(h => h.Token != previous.Token))
            handled = handled.Prepend(new HandledToken { Token = previous.Token, Time = now });
        if (handled.All(h => h.Token != value.Token))
            handled = handled.Prepend(new HandledToken { Token = value.Token, Time = now });
        return value with { Message = Text.BoundOrNull(value.Message), Handled = handled.Take(HandledToken.MaxEntries).ToList() };
    }

    /// <summary>The reason of a deletion that cannot stop the server: what blocks it and how to let go.</summary>
    public string CannotStopForDeletion(string why) =>
        $"{why}; the server cannot be stopped before deletion: fix this, or set spec.deletionPolicy: Orphan to delete the object without stopping the server";

    /// <summary>While the object is being deleted, a wait for the server to stop says how to let the object go now.</summary>
    public string WithDeletionHint(string message) =>
        Deleting ? $"{message}; the object is deleted once the server stopped, or at once with spec.deletionPolicy: Orphan" : message;

    /// <summary>
    /// This decision's Ready verdict, resolved when the decision ends (see the class); a second one throws. Its message
    /// says when an override is in force.
    /// </summary>
    public void Ready(bool ready, string reason, string message) => findings.Ready(new Finding(ready, reason, WithOverrideNote(message)));

    private string WithOverrideNote(string message) => OverrideNote() is { } note ? $"{message} ({note})" : message;

    private string? OverrideNote() => !Deleting && Intent is Intent.Known && Intent.Override is { Active: true } o
        ? $"override {o.State}{(o.Until is { } until ? " until " + KubeTimeConverter.Format(until) : "")} in force"
        : null;

    /// <summary>A Synced failure or success found, resolved when the decision ends: any failure wins over the success (see the class).</summary>
    public void Synced(bool synced, string reason, string message) => findings.Synced(new Finding(synced, reason, message));

    public void Event(bool warning, string reason, string message) => events.Add(new DecisionEvent(warning, reason, Text.Bound(message)));

    /// <summary>Nothing to send now: back after <paramref name="after"/> (null: at the resync).</summary>
    public Decision Wait(TimeSpan? after) => new Decision.Wait(Finish(), events.ToList(), after);

    /// <summary>A transient failure: back with the work queue's backoff.</summary>
    public Decision Retry() => new Decision.Retry(Finish(), events.ToList());

    /// <summary>Sends a stop warning to the console (status.stopWarning already records it); back after <paramref name="before"/>.</summary>
    public Decision Warn(string command, TimeSpan before) => new Decision.Warn(Finish(), events.ToList(), command, before);

    /// <summary>The object being deleted may go.</summary>
    public Decision Release() => new Decision.Release(Finish(), events.ToList());

    /// <summary>
    /// Sends <paramref name="action"/>, first recorded as lastAction with result Uncertain: if the operator stops before
    /// the answer is recorded, that is what the next pass finds, so an earlier stop is never escalated to a kill across
    /// a start, restart, rebuild or kill that may have happened.
    /// </summary>
    public Decision Send(PlannedAction action)
    {
        Status = Status with
        {
            LastAction = new LastAction
            {
                Type = action.Type, Token = action.OneShotToken, RequestTime = KubeTimeConverter.Truncate(Input.Now),
                Result = ActionResult.Uncertain, Target = Target,
                Message = $"sending {action.Type}; if this stays, the operator stopped before the provider answered",
            },
        };
        return new Decision.Send(Finish(), events.ToList(), action) { SyncedFailures = findings.SyncedFailures };
    }

    /// <summary>
    /// Resolves the findings into Synced and Ready (see the class), in this order; the last action is in the history.
    /// </summary>
    private ServerPowerStatus Finish()
    {
        Status = Status with { History = ActionHistory.Record(Status.History, Status.LastAction) };
        if (findings.ResolvedSynced() is { } synced) Set(ConditionTypes.Synced, synced);
        if ((OneShotInDoubt() ?? findings.ResolvedReady()) is { } ready) Set(ConditionTypes.Ready, ready);
        // With Observe, status.plannedAction says what Manage would do now and why; with Manage it is absent.
        Status = Status with
        {
            PlannedAction = !Observing ? null
                : Plan ?? new PlannedActionStatus { Action = PlannedActionStatus.None, Reason = Conditions.Find(Status.Conditions, ConditionTypes.Ready)?.Message },
        };
        return Status;
    }

    /// <summary>
    /// An Uncertain one-shot keeps Ready=False while the annotation still carries its token, whatever the rules decided
    /// (the restart's when both are in doubt); null when none is.
    /// </summary>
    private Finding? OneShotInDoubt()
    {
        Finding? inDoubt = null;
        foreach (var type in OneShotTypes)
        {
            if (OneShotStatus(type) is { Phase: OneShotPhase.Uncertain } uncertain && Annotation(type) == uncertain.Token)
                inDoubt = new Finding(false, Reasons.OneShotUncertain, WithOverrideNote($"{type} token \"{uncertain.Token}\": {WithRetryHint(uncertain.Message)}"));
        }
        return inDoubt;
    }

    /// <summary>What an Uncertain one-shot's Ready message always ends with: how to try again.</summary>
    public const string RetryHint = "it is never resent: set a new token to try again";

    private static string WithRetryHint(string? message) =>
        message is { Length: > 0 } m ? (m.EndsWith(RetryHint, StringComparison.Ordinal) ? m : $"{m}; {RetryHint}") : RetryHint;

    private void Set(string type, Finding finding)
    {
        var condition = new Condition
        {
            Type = type,
            Status = finding.Status ? ConditionStatus.True : ConditionStatus.False,
            Reason = finding.Reason,
            Message = Text.Bound(finding.Message),
            ObservedGeneration = Input.Server.Metadata.Generation,
        };
        Status = Status with { Conditions = Conditions.Set(Status.Conditions, condition, Input.Now) };
    }
}
