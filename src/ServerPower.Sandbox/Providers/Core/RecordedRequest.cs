namespace ServerPower.Sandbox.Providers.Core;

/// <summary>One request as the simulator received it.</summary>
/// <param name="Query">The raw query string, with its leading '?', or empty.</param>
/// <param name="TooManyRequests">Answered 429 by the simulator's own rate limit (<see cref="SimulatorOptions.RateLimit"/>).</param>
public sealed record RecordedRequest(
    string Method,
    string Path,
    string Query,
    IReadOnlyDictionary<string, string> Headers,
    string Body,
    DateTimeOffset ReceivedAt,
    bool TooManyRequests = false)
{
    public string? Header(string name) => Headers.GetValueOrDefault(name);
}
