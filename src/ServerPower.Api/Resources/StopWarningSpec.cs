using System.Text.Json.Serialization;

namespace ServerPower.Api.Resources;

/// <summary>
/// spec.stop.warning: before a stop the operator decides (not an idle stop), send <see cref="Command"/> to the
/// server's console, wait <see cref="Before"/>, then stop. Only providers with a console (Pterodactyl panel, Wings)
/// can; elsewhere the warning is skipped with an event. A failed warning never blocks the stop.
/// </summary>
public sealed record StopWarningSpec
{
    /// <summary>The longest command: one console line.</summary>
    public const int MaxCommandLength = 512;

    /// <summary>The longest wait between the warning and the stop.</summary>
    public const string MaxBefore = "1h";

    /// <summary>How long before the stop the command is sent (Go duration, more than 0s, at most 1h).</summary>
    [JsonPropertyName("before")] public string Before { get; init; } = "";

    /// <summary>One console line, e.g. <c>say Server stops in 5 minutes</c>.</summary>
    [JsonPropertyName("command")] public string Command { get; init; } = "";
}
