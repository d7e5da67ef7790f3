namespace ServerPower.Sandbox.Providers.Core;

/// <summary>
/// What to do to matching requests instead of (or before) answering normally: wait <see cref="Delay"/>, then
/// drop the connection (<see cref="Abort"/>), or answer <see cref="StatusCode"/> with <see cref="Body"/> (or
/// <see cref="StreamedBodyBytes"/>), Retry-After and <see cref="Headers"/>, or, with neither, answer normally
/// (and with <see cref="AbortAfterAnswer"/> close the connection instead of sending that answer).
/// </summary>
public sealed record FaultRule
{
    /// <summary>Only requests with this method (null: any).</summary>
    public string? Method { get; init; }

    /// <summary>Only requests whose path contains this (null: any).</summary>
    public string? PathContains { get; init; }

    public int? StatusCode { get; init; }

    /// <summary>A body for <see cref="StatusCode"/> (JSON unless <see cref="ContentType"/> says otherwise); empty when null.</summary>
    public string? Body { get; init; }

    /// <summary>The Content-Type of <see cref="Body"/>; application/json when null.</summary>
    public string? ContentType { get; init; }

    /// <summary>Instead of <see cref="Body"/>, stream this many bytes of a JSON-looking answer without a Content-Length.</summary>
    public long? StreamedBodyBytes { get; init; }

    /// <summary>Extra response headers (e.g. Location for a redirect).</summary>
    public IReadOnlyDictionary<string, string>? Headers { get; init; }

    public TimeSpan? RetryAfter { get; init; }

    public TimeSpan? Delay { get; init; }

    public bool Abort { get; init; }

    /// <summary>Answer normally (an action takes effect), then close the connection instead of sending the answer.</summary>
    public bool AbortAfterAnswer { get; init; }

    internal bool Matches(string method, string path) =>
        (Method is null || string.Equals(Method, method, StringComparison.OrdinalIgnoreCase))
        && (PathContains is null || path.Contains(PathContains, StringComparison.Ordinal));
}
