using ServerPower.Api.Resources;
using ServerPower.Providers.Contract;

namespace ServerPower.Operator.Decision;

/// <summary>Timing of the decision: steady-state resync, poll bounds while converging, and how long a start may take.</summary>
public sealed record DecisionSettings(TimeSpan ResyncPeriod, TimeSpan MinPoll, TimeSpan MaxPoll, TimeSpan StartEffectTimeout)
{
    /// <summary>
    /// How long a stop waits for servers that list this one in spec.startAfter and are still declared Running to be
    /// declared Stopped too (so they stop first). Changes to several objects arrive one by one and in any order
    /// (Argo CD applies one kind in name order); after this the stop goes ahead with an event.
    /// </summary>
    public TimeSpan StopOrderWindow { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary><paramref name="wait"/> within [MinPoll, MaxPoll]: a deadline a moment away is met at MinPoll, never polled for.</summary>
    // Stryker disable once Equality : a wait equal to a bound gives that bound by either branch
    public TimeSpan Bounded(TimeSpan wait) => wait < MinPoll ? MinPoll : wait > MaxPoll ? MaxPoll : wait;
}

/// <summary>What the reconciler learned about the server's provider before deciding.</summary>
public abstract record ProviderView
{
    /// <summary>The provider cannot read a server's state (HEO): actions are asserted, never observed. False while unresolved.</summary>
    public bool CannotReadState => this is Resolved { Capabilities.CanReadState: false };

    /// <summary>The PowerProvider is missing or unusable; <paramref name="Reason"/> is a Synced reason.</summary>
    public sealed record Unresolved(string Reason, string Message) : ProviderView;

    /// <summary>
    /// A usable provider (<paramref name="Endpoint"/>: the account's endpoint, part of <see cref="ActionTarget"/>); <paramref name="Read"/> is null when state was not read (state-blind, suspended, or
    /// throttled). <paramref name="ThrottledFor"/>: the provider asked (429 Retry-After) that nothing of this account
    /// be sent for this long; nothing was read and nothing may be sent.
    /// </summary>
    public sealed record Resolved(ProviderType Type, ProviderCapabilities Capabilities, ReadResult? Read, TimeSpan? ReassertInterval,
        TimeSpan? ThrottledFor = null, string? Endpoint = null) : ProviderView;
}

/// <summary>
/// <paramref name="Readiness"/>: null when no readiness probe applies (none declared, or probes turned off).
/// <paramref name="Dependencies"/>: null when no start/stop order applies.
/// <paramref name="Intent"/>: the desired state in force, worked out before deciding; null: spec.state alone.
/// <paramref name="Conflict"/>: another ServerPower owns this server (Ownership/ServerOwnership.cs), in words; null when
/// this one does.
/// <paramref name="AutoStop"/>: the activity reads behind spec.autoStop (<see cref="AutoStopView"/>); null when nothing is read.
/// </summary>
public sealed record DecisionInput(ServerPowerResource Server, ProviderView Provider, DateTimeOffset Now, DecisionSettings Settings,
    ReadinessView? Readiness = null, DependencyView? Dependencies = null, Intent? Intent = null, string? Conflict = null,
    AutoStopView? AutoStop = null);

/// <summary>
/// One action to send; <paramref name="OneShotToken"/> is set for a restart or rebuild asked by annotation. The decided
/// status records it as being sent (lastAction with result Uncertain, a one-shot in Sending) and must be written,
/// checked against the resourceVersion it was decided from, before the provider is called: a stale view or a second
/// writer then gets a conflict instead of sending anything, and a crash leaves a record of what may have been sent.
/// <paramref name="AutoStop"/> is set for a stop auto-stop decided; an Idle one is sent only once a confirmation read
/// (<see cref="AutoStopView.Confirmation"/>) was decided on.
/// </summary>
public sealed record PlannedAction(ActionType Type, string? OneShotToken, AutoStopReason? AutoStop = null);

public sealed record DecisionEvent(bool Warning, string Reason, string Message);
