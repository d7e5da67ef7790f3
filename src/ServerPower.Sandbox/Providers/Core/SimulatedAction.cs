using System.Text.Json;

namespace ServerPower.Sandbox.Providers.Core;

/// <summary>
/// One action request as a simulator received it (faulted ones included): which server, which action, when.
/// Every provider's actions are POSTs to a path naming the server after "servers" (Wenium, panel, Wings) or
/// "vps-custom" (HEO); the action is the body's "action" (or "signal"), else the path's last segment
/// (HEO's start/stop/reset, the reinstall endpoints). Console commands (".../command", ".../commands") are no action:
/// the <see cref="CommandLog"/> holds them.
/// </summary>
public sealed record SimulatedAction(string ServerId, string Action, DateTimeOffset At)
{
    private static readonly string[] DestructiveActions = ["restart", "reboot", "reset", "kill", "rebuild", "reinstall"];

    /// <summary>Restart, kill, reset and rebuild/reinstall: the actions the operator sends at most once per token.</summary>
    public bool Destructive => DestructiveActions.Contains(Action, StringComparer.Ordinal);

    /// <summary>The action a request asks for, or null when it is not an action request.</summary>
    public static SimulatedAction? Of(string method, string path, string body, DateTimeOffset at)
    {
        if (!string.Equals(method, "POST", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Length > 0 && segments[^1] is "command" or "commands")
        {
            return null;
        }

        var index = Array.FindLastIndex(segments, s => s is "servers" or "vps-custom");
        if (index < 0 || index + 1 >= segments.Length)
        {
            return null;
        }

        var server = Uri.UnescapeDataString(segments[index + 1]);
        var action = BodyAction(body) ?? (index + 2 < segments.Length ? segments[^1] : null);
        return action is null ? null : new SimulatedAction(server, action, at);
    }

    private static string? BodyAction(string body)
    {
        if (body.Length == 0)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            foreach (var name in new[] { "action", "signal" })
            {
                if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String)
                {
                    return value.GetString();
                }
            }

            return null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
