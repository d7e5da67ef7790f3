using ServerPower.Api.Resources;

namespace ServerPower.Operator.Decision;

/// <summary>
/// <c>status.history</c>: every lastAction the operator records also lands here, newest first, at most
/// <see cref="HistoryEntry.MaxEntries"/>. The entry of an action is updated in place as its result becomes known
/// (recorded Uncertain before sending, then Accepted or Failed), so one action is one entry.
/// </summary>
public static class ActionHistory
{
    public static IReadOnlyList<HistoryEntry>? Record(IReadOnlyList<HistoryEntry>? history, LastAction? last)
    {
        if (last is null) return history;
        var entry = new HistoryEntry
        {
            Type = last.Type, Token = last.Token, RequestTime = last.RequestTime, Result = last.Result, Message = last.Message,
        };
        var list = history ?? [];
        if (list.Count > 0 && list[0].Type == entry.Type && list[0].RequestTime == entry.RequestTime)
            return list[0] == entry ? history : [entry, .. list.Skip(1)];
        return [entry, .. list.Take(HistoryEntry.MaxEntries - 1)];
    }
}
