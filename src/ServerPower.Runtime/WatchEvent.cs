namespace ServerPower.Runtime;

public enum WatchEventKind
{
    Added,
    Modified,
    Deleted,

    /// <summary>Only the object's metadata.resourceVersion is meaningful.</summary>
    Bookmark,

    /// <summary>The watched resourceVersion is too old (410 Gone / Expired): relist. The stream ends after it.</summary>
    Expired,
}

/// <summary>One event of a watch stream; <see cref="Object"/> is null only for <see cref="WatchEventKind.Expired"/>.</summary>
public sealed record WatchEvent<T>(WatchEventKind Kind, T? Object) where T : class;

/// <summary>One page of a paged LIST.</summary>
public sealed record ListPage<T>(IReadOnlyList<T> Items, string ResourceVersion, string? Continue);
