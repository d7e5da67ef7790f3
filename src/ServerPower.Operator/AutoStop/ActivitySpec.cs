using ServerPower.Providers.Activity;

namespace ServerPower.Operator.AutoStop;

/// <summary>
/// What the <see cref="ActivityMonitor"/> reads for one server: the target (spec.autoStop.activity: minecraft, a2s or
/// httpGet) and how often (spec.autoStop.periodSeconds, 1 to 3600). The reconciler maps the API's types to this.
/// </summary>
public sealed record ActivitySpec(ActivityTarget Target, int PeriodSeconds = 30);
