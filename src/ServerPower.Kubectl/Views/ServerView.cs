using System.Text.Json.Nodes;
using ServerPower.Api.Serialization;
using ServerPower.Api.Vocabulary;

namespace ServerPower.KubectlPower;

/// <summary>A condition as shown.</summary>
public sealed record ConditionView(string Type, string Status, string Reason, string Message, DateTimeOffset? LastTransition);

/// <summary>An action sent to the provider (<c>status.lastAction</c> or one entry of <c>status.history</c>).</summary>
public sealed record ActionView(string Type, string Result, DateTimeOffset? RequestTime, string Token, string Message);

/// <summary>A one-shot's last token and phase (<c>status.restart</c>, <c>status.rebuild</c>, <c>status.wake</c>).</summary>
public sealed record OneShotView(string Kind, string Token, string Phase, string Message);

/// <summary><c>status.autoStop</c>: <see cref="Players"/> is empty while unknown (never shown as 0).</summary>
public sealed record AutoStopView(string Players, DateTimeOffset? LastRead, DateTimeOffset? LastActive, DateTimeOffset? IdleSince,
    DateTimeOffset? StoppedAt, string Reason);

/// <summary>
/// What the plugin shows of one ServerPower, read from its JSON. Every field is optional: a field missing from the
/// object (an older operator, a status not yet written) is empty, and <see cref="History"/> and
/// <see cref="OverrideStatus"/> are null unless the object has them.
/// </summary>
public sealed record ServerView
{
    public string Namespace { get; init; } = "";
    public string Name { get; init; } = "";
    public string Provider { get; init; } = "";
    public string ServerId { get; init; } = "";
    public string SpecState { get; init; } = "";
    public string EffectiveState { get; init; } = "";
    public string ManagementPolicy { get; init; } = "";
    public bool Suspend { get; init; }
    public string Power { get; init; } = "";
    public string ProviderState { get; init; } = "";
    public IReadOnlyList<ConditionView> Conditions { get; init; } = [];
    public ActionView? LastAction { get; init; }
    public IReadOnlyList<OneShotView> OneShots { get; init; } = [];
    /// <summary>The <c>power.serverops.io/override</c> annotation, when set.</summary>
    public string? Hold { get; init; }
    /// <summary><c>status.override</c> as the operator wrote it, when present.</summary>
    public JsonNode? OverrideStatus { get; init; }
    /// <summary><c>status.history</c>, newest first, when present.</summary>
    public IReadOnlyList<ActionView>? History { get; init; }
    /// <summary>The object has <c>spec.autoStop</c>.</summary>
    public bool HasAutoStop { get; init; }
    /// <summary><c>status.autoStop</c>, when present.</summary>
    public AutoStopView? AutoStop { get; init; }

    public ConditionView? Condition(string type) => Conditions.FirstOrDefault(c => c.Type == type);

    public static ServerView From(JsonObject o)
    {
        var status = o["status"] as JsonObject;
        return new ServerView
        {
            Namespace = Text(o, "metadata", "namespace"),
            Name = Text(o, "metadata", "name"),
            Provider = Text(o, "spec", "providerRef", "name"),
            ServerId = Text(o, "spec", "serverId"),
            SpecState = Text(o, "spec", "state") is { Length: > 0 } state ? state : "Running",
            EffectiveState = Text(o, "status", "desiredState"),
            ManagementPolicy = Text(o, "spec", "managementPolicy") is { Length: > 0 } policy ? policy : "Manage",
            Suspend = o["spec"]?["suspend"] is JsonValue v && v.TryGetValue<bool>(out var b) && b,
            Power = Text(o, "status", "powerState"),
            ProviderState = Text(o, "status", "providerState"),
            Conditions = (status?["conditions"] as JsonArray ?? []).OfType<JsonObject>()
                .Select(c => new ConditionView(Text(c, "type"), Text(c, "status"), Text(c, "reason"), Text(c, "message"), Time(c, "lastTransitionTime")))
                .ToList(),
            LastAction = status?["lastAction"] is JsonObject last ? Action(last) : null,
            OneShots = new[] { "restart", "rebuild", "wake" }
                .Where(kind => status?[kind] is JsonObject)
                .Select(kind => new OneShotView(kind, Text(o, "status", kind, "token"), Text(o, "status", kind, "phase"), Text(o, "status", kind, "message")))
                .ToList(),
            Hold = o["metadata"]?["annotations"]?[Annotations.Override] is JsonValue hold && hold.TryGetValue<string>(out var h) ? h : null,
            OverrideStatus = status?["override"]?.DeepClone(),
            History = status?["history"] is JsonArray history ? history.OfType<JsonObject>().Select(Action).ToList() : null,
            HasAutoStop = o["spec"]?["autoStop"] is JsonObject,
            AutoStop = status?["autoStop"] is JsonObject auto
                ? new AutoStopView(Text(auto, "players"), Time(auto, "lastReadTime"), Time(auto, "lastActiveTime"), Time(auto, "idleSince"),
                    Time(auto, "stoppedAt"), Text(auto, "reason"))
                : null,
        };
    }

    private static ActionView Action(JsonObject a) =>
        new(Text(a, "type"), Text(a, "result"), Time(a, "requestTime"), Text(a, "token"), Text(a, "message"));

    /// <summary>The string at a path, or empty; numbers and booleans as their JSON text.</summary>
    public static string Text(JsonNode? node, params string[] path)
    {
        foreach (var step in path)
        {
            node = node is JsonObject o ? o[step] : null;
        }
        return node switch
        {
            JsonValue value when value.TryGetValue<string>(out var s) => s,
            JsonValue value => value.ToJsonString(),
            _ => "",
        };
    }

    private static DateTimeOffset? Time(JsonObject o, string name) =>
        KubeTimeConverter.TryParse(Text(o, name), out var t) ? t : null;
}
