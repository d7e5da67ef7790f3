using ServerPower.Api.Vocabulary;

namespace ServerPower.KubectlPower;

/// <summary>
/// <c>kubectl power status</c>: one line per server with its provider, desired state (spec) and effective desired
/// state (status, which a hold or a deletion may change), power, Ready and Synced as STATUS/Reason, and the last
/// action as Type/Result with its age.
/// </summary>
public static class StatusTable
{
    public static string Render(IReadOnlyList<ServerView> servers, bool withNamespace, DateTimeOffset now)
    {
        List<string> headers = ["NAME", "PROVIDER", "DESIRED", "EFFECTIVE", "POWER", "READY", "SYNCED", "LAST ACTION", "SINCE"];
        if (withNamespace) headers.Insert(0, "NAMESPACE");
        return Table.Render(headers, servers.Select(s => Row(s, withNamespace, now)));
    }

    public static IReadOnlyList<string> Row(ServerView s, bool withNamespace, DateTimeOffset now)
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
        return row;
    }

    /// <summary><c>True/InDesiredState</c>; <c>-</c> before the operator wrote the condition.</summary>
    public static string Condition(ConditionView? c) =>
        c is null ? "-" : c.Reason.Length > 0 ? $"{c.Status}/{c.Reason}" : c.Status;

    private static string Or(string value) => value.Length > 0 ? value : "-";
}
