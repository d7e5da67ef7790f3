namespace ServerPower.Sandbox.Kubernetes.Storage;

/// <summary>One change, kept in the retained event window and fanned out to watchers.</summary>
/// <param name="OldLabels">Labels before a modification, so label-selected watches can see objects leave.</param>
public sealed record WatchEvent(
    string Type,
    long ResourceVersion,
    string StorageKey,
    string Namespace,
    string Name,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyDictionary<string, string>? OldLabels,
    byte[] Json);
