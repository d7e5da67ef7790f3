namespace ServerPower.Sandbox.Activity;

/// <summary>How the <see cref="MinecraftPingListener"/> answers a Status Request.</summary>
public enum MinecraftFakeMode
{
    /// <summary>A Status Response with the listener's player count, in one write.</summary>
    Answer,

    /// <summary>Reads the request and never answers.</summary>
    Silent,

    /// <summary>A well-framed Status Response whose JSON string is not JSON.</summary>
    Garbage,

    /// <summary>Declares a 16 MiB packet and writes zeros until the reader hangs up.</summary>
    Oversized,

    /// <summary>The Status Response one byte per write, with a pause between writes.</summary>
    Split,
}
