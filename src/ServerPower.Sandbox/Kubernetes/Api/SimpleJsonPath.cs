using System.Text.Json.Nodes;

namespace ServerPower.Sandbox.Kubernetes.Api;

/// <summary>
/// The JSONPath subset printer columns use: <c>.a.b</c>, <c>.a[0]</c>, <c>.a[*]</c>, <c>['a.b']</c>,
/// and filters <c>[?(@.type=="Ready")]</c> / <c>[?(@.x)]</c>, optionally wrapped in <c>{}</c>.
/// </summary>
public static class SimpleJsonPath
{
    public static IReadOnlyList<JsonNode?> Evaluate(JsonNode? root, string path)
    {
        var p = path.Trim();
        if (p.StartsWith('{') && p.EndsWith('}')) p = p[1..^1];
        if (p.StartsWith('$')) p = p[1..];
        var current = new List<JsonNode?> { root };
        var i = 0;
        while (i < p.Length && current.Count > 0)
        {
            if (p[i] == '.')
            {
                var end = i + 1;
                while (end < p.Length && p[end] != '.' && p[end] != '[') end++;
                var name = p[(i + 1)..end];
                current = current.Select(n => n is JsonObject o && o.TryGetPropertyValue(name, out var v) ? (true, v) : (false, null))
                    .Where(x => x.Item1).Select(x => x.Item2).ToList();
                i = end;
            }
            else if (p[i] == '[')
            {
                var end = FindClose(p, i);
                var inner = p[(i + 1)..end];
                current = current.SelectMany(n => Index(n, inner)).ToList();
                i = end + 1;
            }
            else
            {
                throw new FormatException($"unexpected '{p[i]}' in JSONPath {path}");
            }
        }
        return current;
    }

    private static int FindClose(string p, int open)
    {
        var quote = '\0';
        for (var j = open + 1; j < p.Length; j++)
        {
            var c = p[j];
            if (quote != '\0') { if (c == quote) quote = '\0'; continue; }
            if (c is '"' or '\'') quote = c;
            else if (c == ']') return j;
        }
        throw new FormatException($"unclosed '[' in JSONPath {p}");
    }

    private static IEnumerable<JsonNode?> Index(JsonNode? node, string inner)
    {
        if (inner == "*")
        {
            return node switch { JsonArray a => a, JsonObject o => o.Select(x => x.Value), _ => [] };
        }
        if (inner.StartsWith("?(") && inner.EndsWith(')'))
        {
            var filter = inner[2..^1];
            return node is JsonArray arr ? arr.Where(item => Filter(item, filter)) : [];
        }
        if (inner.StartsWith('\'') || inner.StartsWith('"'))
        {
            var key = inner[1..^1];
            return node is JsonObject o && o.TryGetPropertyValue(key, out var v) ? [v] : [];
        }
        if (int.TryParse(inner, out var index) && node is JsonArray array)
        {
            if (index < 0) index += array.Count;
            return index >= 0 && index < array.Count ? [array[index]] : [];
        }
        return [];
    }

    private static bool Filter(JsonNode? item, string filter)
    {
        foreach (var op in new[] { "==", "!=" })
        {
            var at = filter.IndexOf(op, StringComparison.Ordinal);
            if (at > 0)
            {
                var left = Evaluate(item, filter[..at].Trim().TrimStart('@'));
                var literal = filter[(at + 2)..].Trim().Trim('"', '\'');
                var equal = left.Count > 0 && left[0] is JsonValue v && v.ToString() == literal;
                return op == "==" ? equal : !equal;
            }
        }
        return Evaluate(item, filter.Trim().TrimStart('@')).Count > 0;
    }
}
