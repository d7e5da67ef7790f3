namespace ServerPower.Providers.Adapters;

/// <summary>
/// Server ids go into request paths as one segment, escaped with <see cref="Uri.EscapeDataString"/>. Escaping
/// keeps '/', '?', '#' and '%' from changing the path, but not an empty id (an empty segment) or the dot
/// segments "." and "..", which URI normalisation removes, so the request would reach another endpoint.
/// </summary>
internal static class ServerIds
{
    /// <summary>Why this id cannot be sent, or null when it can.</summary>
    public static string? Problem(string? serverId) => serverId switch
    {
        null or "" => "the server id is empty; nothing was sent",
        "." or ".." => $"the server id '{serverId}' would change the request path; nothing was sent",
        _ => null,
    };

    /// <summary>The id as one path segment.</summary>
    public static string Segment(string serverId) => Uri.EscapeDataString(serverId);
}
