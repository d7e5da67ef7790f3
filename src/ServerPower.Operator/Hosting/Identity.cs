namespace ServerPower.Operator.Hosting;

/// <summary>This replica's name for leader election and events: POD_NAME, else host name plus a random suffix.</summary>
public static class Identity
{
    public static string Current { get; } = Environment.GetEnvironmentVariable("POD_NAME") is { Length: > 0 } pod
        ? pod
        : $"{Environment.MachineName.ToLowerInvariant()}-{Guid.NewGuid().ToString("N")[..6]}";
}
