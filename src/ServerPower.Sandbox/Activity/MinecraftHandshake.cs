namespace ServerPower.Sandbox.Activity;

/// <summary>A Handshake packet as the <see cref="MinecraftPingListener"/> received it.</summary>
public sealed record MinecraftHandshake(int ProtocolVersion, string Host, int Port, int NextState);
