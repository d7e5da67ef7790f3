namespace ServerPower.Providers.Activity;

/// <summary>How players are counted: Minecraft Java Server List Ping (TCP), Source A2S_INFO (UDP), or a JSON number over HTTP.</summary>
public enum ActivityKind
{
    Minecraft,
    A2s,
    HttpGet,
}
