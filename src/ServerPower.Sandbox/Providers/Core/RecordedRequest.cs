namespace ServerPower.Sandbox.Providers.Core;

/// <summary>One request as the simulator received it.</summary>
/// <param name="Query">The raw query string, with its leading '?', or empty.</param>
public sealed record RecordedRequest(
    string Method,
    string Path,
    string Query,
    IReadOnlyDictionary<string, string> Headers,
    string Body,
    DateTimeOffset ReceivedAt)
{
    public string? Header(string name) => Headers.GetValueOrDefault(name);
}
