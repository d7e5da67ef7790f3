using System.Text.Json.Nodes;

namespace ServerPower.Sandbox.Kubernetes.Api;

/// <summary>
/// A field selector: <c>path=value</c>, <c>path==value</c>, <c>path!=value</c>, comma-separated.
/// Custom resources accept metadata.name and metadata.namespace only (as the real server without
/// selectableFields); built-ins accept any path, compared as text.
/// </summary>
public sealed class FieldSelector
{
    private readonly List<(string Path, string Value, bool Equal)> terms = [];

    public static readonly FieldSelector Everything = new();

    public bool IsEmpty => terms.Count == 0;

    /// <summary>The name a <c>metadata.name=x</c> term pins, for RBAC resourceNames checks as the real server does.</summary>
    public string? PinnedName => terms.FirstOrDefault(t => t.Path == "metadata.name" && t.Equal).Value;

    public bool NeedsObject => terms.Any(t => t.Path is not ("metadata.name" or "metadata.namespace"));

    public static FieldSelector Parse(string? text, ResourceType type)
    {
        var selector = new FieldSelector();
        if (string.IsNullOrWhiteSpace(text))
        {
            return selector;
        }
        foreach (var raw in text.Split(','))
        {
            var part = raw.Trim();
            var ne = part.IndexOf("!=", StringComparison.Ordinal);
            var eq = part.IndexOf('=');
            (string path, string value, bool equal) term = ne > 0
                ? (part[..ne], part[(ne + 2)..], false)
                : eq > 0
                    ? (part[..eq], part[(eq + 1)..].TrimStart('='), true)
                    : throw KubeStatus.BadRequest($"invalid selector: '{text}'; can't understand '{part}'");
            if (type.IsCustom && term.path is not ("metadata.name" or "metadata.namespace"))
            {
                throw KubeStatus.BadRequest($"field label not supported: {term.path}");
            }
            selector.terms.Add((term.path.Trim(), term.value.Trim(), term.equal));
        }
        return selector;
    }

    public bool Matches(string ns, string name, Func<JsonObject>? body)
    {
        JsonObject? obj = null;
        foreach (var (path, value, equal) in terms)
        {
            var actual = path switch
            {
                "metadata.name" => name,
                "metadata.namespace" => ns,
                _ => Lookup(obj ??= body?.Invoke(), path),
            };
            if ((actual == value) != equal)
            {
                return false;
            }
        }
        return true;
    }

    private static string Lookup(JsonObject? obj, string path)
    {
        JsonNode? node = obj;
        foreach (var part in path.Split('.'))
        {
            node = node is JsonObject o ? o[part] : null;
        }
        return node?.ToString() ?? "";
    }
}
