namespace ServerPower.KubectlPower.Cli;

/// <summary>A command line that cannot be run: one line, exit code 2.</summary>
public sealed class UsageException(string message) : Exception(message);
