namespace ServerPower.Providers.Contract;

/// <summary>What a console command sent through <see cref="IPowerProvider.SendCommandAsync"/> may be.</summary>
public static class ConsoleCommands
{
    /// <summary>The longest command sent (spec.stop.warning.command has the same bound).</summary>
    public const int MaxLength = ServerPower.Api.Resources.StopWarningSpec.MaxCommandLength;

    /// <summary>Why <paramref name="command"/> cannot be sent, or null. A line break would make it two commands.</summary>
    public static string? Problem(string? command) =>
        string.IsNullOrEmpty(command) ? "the console command is empty; nothing was sent"
        : command.Length > MaxLength ? $"the console command is longer than {MaxLength} characters; nothing was sent"
        : command.Any(char.IsControl) ? "the console command holds a line break or another control character; nothing was sent"
        : null;
}
