namespace ServerPower.Operator.Hosting;

/// <summary>Kestrel's "address already in use" failure, turned into one line instead of a stack trace.</summary>
public static class PortInUse
{
    public static bool Matches(Exception e) =>
        e is Microsoft.AspNetCore.Connections.AddressInUseException || e.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException;

    public static string Message(Exception e) => $"cannot listen: {e.Message} (another process uses the port; choose another with --port)";
}
