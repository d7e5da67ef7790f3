using ServerPower.Api.Serialization;
using ServerPower.Api.Vocabulary;

namespace ServerPower.Operator.Decision;

/// <summary>Events when an override comes into force or ends, found by comparing with the stored status.override.</summary>
internal static class OverrideEvents
{
    public static void Record(Draft d)
    {
        var before = d.Input.Server.Status?.Override;
        var now = d.Intent.Override;
        var wasActive = before is { Active: true };
        var isActive = now is { Active: true };
        if (isActive && (!wasActive || before!.State != now!.State || before.Until != now.Until))
            d.Event(false, EventReasons.OverrideStarted, $"override {now!.State}{Until(now.Until)} is in force (annotation power.serverops.io/override)");
        else if (wasActive && !isActive)
            d.Event(false, EventReasons.OverrideEnded, now is null
                ? $"override {before!.State}{Until(before.Until)} ended: the annotation was removed"
                : $"override {before!.State}{Until(before.Until)} ended: its time has passed");
    }

    private static string Until(DateTimeOffset? until) => until is { } u ? " until " + KubeTimeConverter.Format(u) : "";
}
