namespace ServerPower.Providers.Http;

/// <summary>One request to a provider, relative to the account's endpoint (its path prefix kept).</summary>
/// <param name="PathAndQuery">Starts with '/', ids already escaped.</param>
/// <param name="JsonBody">Serialized as the request body with Content-Type application/json; null sends no body.</param>
/// <param name="Authenticated">False only for HEO's public service status.</param>
internal sealed record ProviderRequest(HttpMethod Method, string PathAndQuery, object? JsonBody = null, bool Authenticated = true)
{
    /// <summary>What the request is for (<see cref="ProviderOperations"/>); set by the adapter base from the call kind.</summary>
    public string? Operation { get; init; }

    public static ProviderRequest Get(string pathAndQuery, bool authenticated = true) =>
        new(HttpMethod.Get, pathAndQuery, null, authenticated);

    public static ProviderRequest Post(string pathAndQuery, object? jsonBody = null) => new(HttpMethod.Post, pathAndQuery, jsonBody);
}
