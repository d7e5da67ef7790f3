using System.Text;
using System.Text.Json.Nodes;
using ServerPower.Api.Serialization;

namespace ServerPower.KubectlPower;

/// <summary><c>kubectl power status NAME</c>: one server with its conditions, one-shots, hold and history.</summary>
public static class StatusDetail
{
    public static string Render(ServerView s, DateTimeOffset now)
    {
        var text = new StringBuilder();
        void Field(string label, string value) => text.Append($"{label + ":",-14}{value}\n");

        Field("Name", s.Name);
        Field("Namespace", s.Namespace);
        Field("Provider", $"{Or(s.Provider)} (server {Or(s.ServerId)})");
        var policy = s.ManagementPolicy + (s.Suspend ? ", suspended" : "");
        Field("Desired", $"{s.SpecState} (effective: {Or(s.EffectiveState)}; {policy})");
        Field("Power", s.ProviderState.Length > 0 ? $"{Or(s.Power)} (provider: {s.ProviderState})" : Or(s.Power));
        if (s.Hold is not null) Field("Hold", s.Hold);
        if (s.OverrideStatus is not null) Field("Override", Compact(s.OverrideStatus));
        Field("Last action", s.LastAction is { } a ? Action(a, now) : "none");
        if (s.AutoStop is { } auto) Field("Auto-stop", AutoStop(auto, s.Name, now));

        text.Append("Conditions:\n");
        text.Append(s.Conditions.Count == 0
            ? "  none yet\n"
            : Table.Render(["TYPE", "STATUS", "REASON", "AGE", "MESSAGE"],
                s.Conditions.Select(c => (IReadOnlyList<string>)[c.Type, c.Status, c.Reason, HumanDuration.Since(c.LastTransition, now), c.Message]), "  "));

        text.Append("One-shots:\n");
        text.Append(s.OneShots.Count == 0
            ? "  none\n"
            : Table.Render(["KIND", "TOKEN", "PHASE", "MESSAGE"],
                s.OneShots.Select(o => (IReadOnlyList<string>)[o.Kind, o.Token, o.Phase, o.Message]), "  "));

        if (s.History is { } history)
        {
            text.Append("History:\n");
            text.Append(history.Count == 0
                ? "  none\n"
                : Table.Render(["TIME", "AGE", "TYPE", "RESULT", "TOKEN", "MESSAGE"],
                    history.Select(h => (IReadOnlyList<string>)[
                        h.RequestTime is { } t ? KubeTimeConverter.Format(t) : "-", HumanDuration.Since(h.RequestTime, now),
                        h.Type, h.Result, Or(h.Token), h.Message]), "  "));
        }
        return text.ToString();
    }

    /// <summary>
    /// <c>players 0 (read 10s ago), idle 25m</c>, then <c>; auto-stopped 3h ago (Idle): kubectl power wake NAME</c> once
    /// it was stopped. An unknown player count reads "unknown", never 0.
    /// </summary>
    private static string AutoStop(AutoStopView auto, string name, DateTimeOffset now)
    {
        var line = $"players {(auto.Players.Length > 0 ? auto.Players : "unknown")}";
        if (auto.LastRead is { } read) line += $" (read {HumanDuration.Since(read, now)} ago)";
        if (auto.IdleSince is { } idle) line += $", idle {HumanDuration.Since(idle, now)}";
        if (auto.StoppedAt is { } stopped)
            line += $"; auto-stopped {HumanDuration.Since(stopped, now)} ago ({Or(auto.Reason)}): kubectl power wake {name}";
        return line;
    }

    private static string Action(ActionView a, DateTimeOffset now)
    {
        var line = $"{a.Type} {a.Result}, {HumanDuration.Since(a.RequestTime, now)} ago";
        if (a.Token.Length > 0) line += $" (token {a.Token})";
        if (a.Message.Length > 0) line += $": {a.Message}";
        return line;
    }

    /// <summary>A string as itself; an object as <c>key=value</c> pairs.</summary>
    private static string Compact(JsonNode node) => node switch
    {
        JsonObject o => string.Join(", ", o.Select(p => $"{p.Key}={(p.Value is JsonValue ? ServerView.Text(p.Value) : p.Value?.ToJsonString())}")),
        _ => ServerView.Text(node) is { Length: > 0 } text ? text : node.ToJsonString(),
    };

    private static string Or(string value) => value.Length > 0 ? value : "-";
}
