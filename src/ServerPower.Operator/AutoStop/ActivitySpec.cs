using ServerPower.Providers.Activity;

namespace ServerPower.Operator.AutoStop;

/// <summary>
/// What the <see cref="ActivityMonitor"/> reads for one server: the target (spec.autoStop.activity: minecraft, a2s or
/// httpGet) and how often (spec.autoStop.periodSeconds, 1 to 3600). The reconciler maps the API's types to this.
/// </summary>
public sealed record ActivitySpec(ActivityTarget Target, int PeriodSeconds = 30)
{
    /// <summary>The API's spec.autoStop.activity (exactly one kind, checked by AutoStopRules) read every <paramref name="period"/>.</summary>
    public static ActivitySpec From(Api.Resources.ActivitySpec activity, TimeSpan period) => new(
        activity.Minecraft is { } minecraft ? ActivityTarget.Minecraft(minecraft.Host, minecraft.Port)
        : activity.A2s is { } a2s ? ActivityTarget.A2s(a2s.Host, a2s.Port)
        : ActivityTarget.HttpGet(activity.HttpGet!.Url, activity.HttpGet.JsonPath),
        (int)period.TotalSeconds);
}
