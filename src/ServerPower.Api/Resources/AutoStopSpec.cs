using System.Text.Json.Serialization;

namespace ServerPower.Api.Resources;

/// <summary>
/// spec.autoStop: stop a Running server once nobody has played for <see cref="IdleAfter"/>, or once it has run for
/// <see cref="MaxRuntime"/> since its last start. Durations are Go durations of at least <see cref="MinDuration"/>
/// (startupGrace may be 0s). <see cref="Activity"/> is required with idleAfter and holds exactly one kind (CEL rules
/// of the CRD; <c>AutoStopRules</c> in the operator says the same for objects that skipped admission).
/// </summary>
public sealed record AutoStopSpec
{
    public const int DefaultPeriodSeconds = 30;
    public const int MinPeriodSeconds = 1;
    public const int MaxPeriodSeconds = 3600;

    /// <summary>The shortest idleAfter and maxRuntime accepted (short enough for tests and demos).</summary>
    public const string MinDuration = "10s";

    /// <summary>Stop once every activity read for this long saw 0 players (Go duration).</summary>
    [JsonPropertyName("idleAfter")] public string? IdleAfter { get; init; }

    /// <summary>Stop once the server has run this long since its last start, players or not (Go duration).</summary>
    [JsonPropertyName("maxRuntime")] public string? MaxRuntime { get; init; }

    /// <summary>No idle stop within this long of a start (Go duration); absent: idleAfter.</summary>
    [JsonPropertyName("startupGrace")] public string? StartupGrace { get; init; }

    /// <summary>How often activity is read, in seconds.</summary>
    [JsonPropertyName("periodSeconds")] public int PeriodSeconds { get; init; } = DefaultPeriodSeconds;

    [JsonPropertyName("activity")] public ActivitySpec? Activity { get; init; }
}

/// <summary>Where the player count is read: exactly one of the three kinds.</summary>
public sealed record ActivitySpec
{
    /// <summary>Java Edition Server List Ping over TCP: players.online.</summary>
    [JsonPropertyName("minecraft")] public ActivityEndpoint? Minecraft { get; init; }

    /// <summary>Source engine A2S_INFO over UDP: players minus bots.</summary>
    [JsonPropertyName("a2s")] public ActivityEndpoint? A2s { get; init; }

    /// <summary>A GET whose JSON answer holds a number at jsonPath.</summary>
    [JsonPropertyName("httpGet")] public HttpGetActivity? HttpGet { get; init; }
}

/// <summary>A host and port that answer a game protocol's status query.</summary>
public sealed record ActivityEndpoint
{
    [JsonPropertyName("host")] public string Host { get; init; } = "";
    [JsonPropertyName("port")] public int Port { get; init; }
}

/// <summary>The player count as a JSON number at <see cref="JsonPath"/> of the answer to a GET of <see cref="Url"/>.</summary>
public sealed record HttpGetActivity
{
    public const int MaxUrlLength = 2048;
    public const int MaxJsonPathLength = 256;

    [JsonPropertyName("url")] public string Url { get; init; } = "";
    [JsonPropertyName("jsonPath")] public string JsonPath { get; init; } = "";
}
