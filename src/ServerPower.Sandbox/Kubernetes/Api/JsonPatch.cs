using System.Text.Json.Nodes;

namespace ServerPower.Sandbox.Kubernetes.Api;

/// <summary>RFC 6902 JSON patch (add, remove, replace, move, copy, test).</summary>
public static class JsonPatch
{
    public static JsonObject Apply(JsonObject target, JsonArray operations)
    {
        JsonNode doc = target.DeepClone();
        foreach (var op in operations)
        {
            if (op is not JsonObject o)
            {
                throw Fail("invalid operation");
            }
            var kind = o["op"]?.ToString() ?? throw Fail("missing op");
            var path = o["path"]?.ToString() ?? throw Fail("missing path");
            switch (kind)
            {
                case "add": doc = Add(doc, path, o["value"]?.DeepClone()); break;
                case "remove": Remove(doc, path); break;
                case "replace":
                    Get(doc, path);
                    Remove(doc, path);
                    doc = Add(doc, path, o["value"]?.DeepClone());
                    break;
                case "move":
                    var from = o["from"]?.ToString() ?? throw Fail("missing from");
                    var moved = Get(doc, from)?.DeepClone();
                    Remove(doc, from);
                    doc = Add(doc, path, moved);
                    break;
                case "copy":
                    doc = Add(doc, path, Get(doc, o["from"]?.ToString() ?? throw Fail("missing from"))?.DeepClone());
                    break;
                case "test":
                    if (!JsonNode.DeepEquals(Get(doc, path), o["value"]))
                    {
                        throw Fail($"testing value {path} failed");
                    }
                    break;
                default: throw Fail($"Unexpected kind: {kind}");
            }
        }
        return doc as JsonObject ?? throw Fail("result is not an object");
    }

    private static KubeApiException Fail(string message) => new(422, "Invalid", message);

    private static string[] Split(string path) =>
        path.Length == 0 ? [] : path[1..].Split('/').Select(p => p.Replace("~1", "/").Replace("~0", "~")).ToArray();

    private static JsonNode? Get(JsonNode doc, string path)
    {
        JsonNode? node = doc;
        foreach (var part in Split(path))
        {
            node = node switch
            {
                JsonObject o when o.ContainsKey(part) => o[part],
                JsonArray a when int.TryParse(part, out var i) && i >= 0 && i < a.Count => a[i],
                _ => throw Fail($"doc is missing path: \"{path}\": missing value"),
            };
        }
        return node;
    }

    private static (JsonNode Parent, string Last) Parent(JsonNode doc, string path)
    {
        var parts = Split(path);
        if (parts.Length == 0)
        {
            throw Fail("cannot operate on the document root");
        }
        var parentPath = "/" + string.Join('/', parts[..^1].Select(p => p.Replace("~", "~0").Replace("/", "~1")));
        var parent = parts.Length == 1 ? doc : Get(doc, parentPath) ?? throw Fail($"doc is missing path: \"{path}\"");
        return (parent, parts[^1]);
    }

    private static JsonNode Add(JsonNode doc, string path, JsonNode? value)
    {
        if (path.Length == 0)
        {
            return value ?? throw Fail("cannot replace the root with null");
        }
        var (parent, last) = Parent(doc, path);
        switch (parent)
        {
            case JsonObject o: o[last] = value; break;
            case JsonArray a when last == "-": a.Add(value); break;
            case JsonArray a when int.TryParse(last, out var i) && i >= 0 && i <= a.Count: a.Insert(i, value); break;
            default: throw Fail($"add operation does not apply: doc is missing path: \"{path}\"");
        }
        return doc;
    }

    private static void Remove(JsonNode doc, string path)
    {
        var (parent, last) = Parent(doc, path);
        switch (parent)
        {
            case JsonObject o when o.ContainsKey(last): o.Remove(last); break;
            case JsonArray a when int.TryParse(last, out var i) && i >= 0 && i < a.Count: a.RemoveAt(i); break;
            default: throw Fail($"remove operation does not apply: doc is missing path: \"{path}\": missing value");
        }
    }
}
