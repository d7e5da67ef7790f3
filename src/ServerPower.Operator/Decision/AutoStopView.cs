using ServerPower.Providers.Activity;

namespace ServerPower.Operator.Decision;

/// <summary>
/// What the reconciler learned of a server's activity before deciding (spec.autoStop). <paramref name="Activity"/>: the
/// activity monitor's state, null when nothing is read (no activity target, not running, suspended).
/// <paramref name="NotAllowed"/>: why the activity target may not be read (the endpoint policy), null when it may.
/// <paramref name="Confirmation"/>: the one read taken right before an idle stop; null until the reconciler took it.
/// An idle stop is decided twice: first without a confirmation (the decision asks for one by a Send whose
/// <see cref="PlannedAction.AutoStop"/> is Idle), then with it; anything but a successful read of 0 cancels the stop.
/// </summary>
public sealed record AutoStopView(ActivityState? Activity, string? NotAllowed = null, ActivityRead? Confirmation = null);
