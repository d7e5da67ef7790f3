namespace ServerPower.Sandbox.Kubernetes.Faults;

/// <summary>
/// Which requests get which fault. <see cref="Verb"/> is a verb as RBAC names it (get, list, watch, create, update,
/// patch, delete, deletecollection), a comma-separated list of them, or "*". <see cref="Resource"/> is written as in
/// RBAC rules: "serverpowers" (the main resource only), "serverpowers/status", "serverpowers/*" (main and any
/// subresource), "*/status", or "*" (everything). <see cref="AbortWatch"/> rules match watches only; the after-commit
/// kinds match everything but watches.
/// </summary>
public sealed record ApiFaultRule(ApiFaultKind Kind, string Verb, string Resource)
{
    /// <summary>Only requests in this namespace (null: any).</summary>
    public string? Namespace { get; init; }

    /// <summary>Only requests naming this object (null: any).</summary>
    public string? Name { get; init; }

    /// <summary>How many matching requests get the fault; null: every one until the rule is removed.</summary>
    public int? Times { get; init; } = 1;

    /// <summary>Matching requests let through unharmed before the fault applies.</summary>
    public int Skip { get; init; }

    /// <summary>Retry-After (seconds) of <see cref="ApiFaultKind.TooManyRequests"/>.</summary>
    public int RetryAfterSeconds { get; init; } = 1;

    /// <summary><see cref="ApiFaultKind.TooManyRequests"/> answers a Status (reason TooManyRequests) instead of APF's text.</summary>
    public bool StatusBody { get; init; }

    /// <summary>Events written before <see cref="ApiFaultKind.AbortWatch"/> aborts the stream.</summary>
    public int AfterEvents { get; init; }

    internal bool Matches(string verb, string resource, string subresource, string ns, string name)
    {
        if (Kind == ApiFaultKind.AbortWatch ? verb != "watch" : verb == "watch" && AfterCommit) return false;
        if (Verb != "*" && !Verb.Split(',', StringSplitOptions.TrimEntries).Contains(verb, StringComparer.Ordinal)) return false;
        if (Namespace is not null && Namespace != ns) return false;
        if (Name is not null && Name != name) return false;
        var slash = Resource.IndexOf('/');
        var (res, sub) = slash < 0 ? (Resource, (string?)null) : (Resource[..slash], Resource[(slash + 1)..]);
        if (res != "*" && res != resource) return false;
        return sub switch
        {
            null => res == "*" || subresource.Length == 0,
            "*" => true,
            _ => sub == subresource,
        };
    }

    internal bool AfterCommit => Kind is ApiFaultKind.TimeoutAfterCommit or ApiFaultKind.DropConnectionAfterCommit;
}
