using ServerPower.Api.Resources;
using ServerPower.Api.Serialization;
using ServerPower.Api.Vocabulary;

namespace ServerPower.Operator.Decision;

public static class Conditions
{
    /// <summary>
    /// Sets one condition by type. lastTransitionTime changes only when the status changes, so writing the same
    /// condition again is no change at all. Order is stable: Ready, Synced, then others by type.
    /// </summary>
    public static IReadOnlyList<Condition> Set(IReadOnlyList<Condition>? list, Condition condition, DateTimeOffset now)
    {
        var existing = list?.FirstOrDefault(c => c.Type == condition.Type);
        var since = existing is not null && existing.Status == condition.Status ? existing.LastTransitionTime : KubeTimeConverter.Truncate(now);
        // Stryker disable once Linq : the list is ordered by type right after, and types are unique, so where the new condition goes first is lost
        var updated = (list ?? []).Where(c => c.Type != condition.Type).Append(condition with { LastTransitionTime = since });
        return updated.OrderBy(c => c.Type switch { ConditionTypes.Ready => 0, ConditionTypes.Synced => 1, _ => 2 })
            .ThenBy(c => c.Type, StringComparer.Ordinal).ToList();
    }

    public static Condition? Find(IReadOnlyList<Condition>? list, string type) => list?.FirstOrDefault(c => c.Type == type);
}
