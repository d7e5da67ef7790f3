using ServerPower.Api.Vocabulary;

namespace ServerPower.KubectlPower;

/// <summary>
/// <c>kubectl power status</c>: one line per server with its provider, desired state (spec) and effective desired
/// state (status, which a hold or a deletion may change), power, Ready and Synced as STATUS/Reason, and the last
/// action as Type/Result with its age. When any server listed has spec.autoStop, two more columns: PLAYERS (the last
/// successful activity read; <c>-</c> while unknown) and IDLE (how long reads have seen 0 players).
/// </summary>
public static class StatusTable
{
    public static string Render(IReadOnlyList<ServerView> servers, bool withNamespace, DateTimeOffset now)
    {
        List<string> headers = ["NAME", "PROVIDER", "DESIRED", "EFFECTIVE", "POWER", "READY", "SYNCED", "LAST ACTION", "SINCE"];
        if (withNamespace) headers.Insert(0, "NAMESPACE");
        var withAutoStop = servers.Any(s => s.HasAutoStop || s.AutoStop is not null);
        if (withAutoStop) headers.AddRange(["PLAYERS", "IDLE"]);
        return Table.Render(headers, servers.Select(s => Row(s, withNamespace, now, withAutoStop)));
    }

    public static IReadOnlyList<string> Row(ServerView s, bool withNamespace, DateTimeOffset now, bool withAutoStop = false)
    {
        List<string> row =
        [
            s.Name,
            Or(s.Provider),
            s.SpecState,
            Or(s.EffectiveState),
            Or(s.Power),
            Condition(s.Condition(ConditionTypes.Ready)),
            Condition(s.Condition(ConditionTypes.Synced)),
            s.LastAction is { } a ? $"{a.Type}/{a.Result}" : "-",
            s.LastAction is { } b ? HumanDuration.Since(b.RequestTime, now) : "-",
        ];
        if (withNamespace) row.Insert(0, s.Namespace);
        if (withAutoStop) row.AddRange([Or(s.AutoStop?.Players ?? ""), HumanDuration.Since(s.AutoStop?.IdleSince, now)]);
        return row;
    }

    /// <summary><c>True/InDesiredState</c>; <c>-</c> before the operator wrote the condition.</summary>
    public static string Condition(ConditionView? c) =>
        c is null ? "-" : c.Reason.Length > 0 ? $"{c.Status}/{c.Reason}" : c.Status;

    private static string Or(string value) => value.Length > 0 ? value : "-";
}
