using ServerPower.Operator.Probing;
using ServerPower.Providers.Activity;

namespace ServerPower.Operator.AutoStop;

/// <summary>
/// Which activity targets the operator may read, as written: the readiness probes' rules (the allowed endpoint hosts;
/// for httpGet https only unless plain http is allowed), a valid dotted jsonPath, a periodSeconds of 1 to 3600. The
/// address a target resolves to is checked when it is read, by the outbound policy.
/// </summary>
public sealed class ActivityTargetPolicy(ProbeTargetPolicy rules)
{
    /// <summary>Null when the monitor may read this target; otherwise why not, in one sentence.</summary>
    public string? Check(ActivitySpec spec)
    {
        if (spec.PeriodSeconds is < 1 or > 3600) return $"autoStop.periodSeconds {spec.PeriodSeconds} is not between 1 and 3600";
        var target = spec.Target;
        return target.Kind switch
        {
            ActivityKind.Minecraft => rules.CheckHostPort("activity.minecraft", "activity", "TCP", target.Host, target.Port),
            ActivityKind.A2s => rules.CheckHostPort("activity.a2s", "activity", "UDP", target.Host, target.Port),
            _ => rules.CheckUrl("activity.httpGet.url", "activity", target.Url) ?? DottedJsonPath.Check(target.JsonPath),
        };
    }
}
