using System.Text.Json.Serialization;

namespace ServerPower.Api.Resources;

/// <summary>
/// How the operator checks that the service on a Running server answers (spec.readinessProbe). Exactly one of
/// <see cref="TcpSocket"/> and <see cref="HttpGet"/> is set (a CEL rule of the CRD).
/// </summary>
public sealed record ReadinessProbeSpec
{
    public const int DefaultPeriodSeconds = 10;
    public const int DefaultTimeoutSeconds = 3;
    public const int DefaultFailureThreshold = 3;
    public const int DefaultSuccessThreshold = 1;

    [JsonPropertyName("tcpSocket")] public TcpSocketProbe? TcpSocket { get; init; }
    [JsonPropertyName("httpGet")] public HttpGetProbe? HttpGet { get; init; }
    [JsonPropertyName("periodSeconds")] public int PeriodSeconds { get; init; } = DefaultPeriodSeconds;
    [JsonPropertyName("timeoutSeconds")] public int TimeoutSeconds { get; init; } = DefaultTimeoutSeconds;
    [JsonPropertyName("failureThreshold")] public int FailureThreshold { get; init; } = DefaultFailureThreshold;
    [JsonPropertyName("successThreshold")] public int SuccessThreshold { get; init; } = DefaultSuccessThreshold;
}

/// <summary>Passes when a TCP connection to host:port is accepted.</summary>
public sealed record TcpSocketProbe
{
    [JsonPropertyName("host")] public string Host { get; init; } = "";
    [JsonPropertyName("port")] public int Port { get; init; }
}

/// <summary>Passes when a GET of the URL answers 2xx or 3xx (redirects are not followed).</summary>
public sealed record HttpGetProbe
{
    [JsonPropertyName("url")] public string Url { get; init; } = "";
}
