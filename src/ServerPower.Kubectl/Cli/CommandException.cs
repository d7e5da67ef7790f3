namespace ServerPower.KubectlPower.Cli;

/// <summary>A command that failed (API unreachable, object not found, a one-shot not Done): one line, exit code 1.</summary>
public sealed class CommandException(string message) : Exception(message);
