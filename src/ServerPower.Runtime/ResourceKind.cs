namespace ServerPower.Runtime;

/// <summary>Where a kind lives in the API: group, version and plural name (the URL path), and its kind name (logs).</summary>
public sealed record ResourceKind(string Group, string Version, string Plural, string Kind);
