namespace ServerPower.Providers.Activity;

/// <summary>
/// Where players are counted. Minecraft and A2s use <see cref="Host"/> and <see cref="Port"/>; HttpGet uses
/// <see cref="Url"/> and <see cref="JsonPath"/> (a dotted path such as ".players" or ".a.b").
/// </summary>
public sealed record ActivityTarget(ActivityKind Kind, string Host = "", int Port = 0, string Url = "", string JsonPath = "")
{
    public static ActivityTarget Minecraft(string host, int port) => new(ActivityKind.Minecraft, host, port);

    public static ActivityTarget A2s(string host, int port) => new(ActivityKind.A2s, host, port);

    public static ActivityTarget HttpGet(string url, string jsonPath) => new(ActivityKind.HttpGet, Url: url, JsonPath: jsonPath);

    /// <summary>The metric label of the kind: minecraft, a2s, httpGet (the field names of the API).</summary>
    public string KindLabel => Kind switch
    {
        ActivityKind.Minecraft => "minecraft",
        ActivityKind.A2s => "a2s",
        _ => "httpGet",
    };
}
