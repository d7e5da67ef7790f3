using System.Text.Json;

namespace ServerPower.Operator.Hosting.Kubeconfig;

/// <summary>A JSON kubeconfig (kubectl accepts them too) as a <see cref="KubeconfigNode"/> tree, through JsonDocument.</summary>
public static class KubeconfigJson
{
    public static KubeconfigNode Parse(string text, string file)
    {
        try
        {
            using var document = JsonDocument.Parse(text, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            return Convert(document.RootElement, file);
        }
        catch (JsonException e)
        {
            throw new FormatException($"kubeconfig {file}: {e.Message}");
        }
    }

    private static KubeconfigNode Convert(JsonElement element, string file)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var entries = new Dictionary<string, KubeconfigNode>();
                foreach (var property in element.EnumerateObject())
                {
                    if (!entries.TryAdd(property.Name, Convert(property.Value, file)))
                        throw new FormatException($"kubeconfig {file}: the key \"{property.Name}\" appears twice in one object");
                }
                return new KubeconfigMapping(0, entries);
            case JsonValueKind.Array:
                return new KubeconfigSequence(0, [.. element.EnumerateArray().Select(e => Convert(e, file))]);
            case JsonValueKind.String:
                return new KubeconfigScalar(0, element.GetString());
            case JsonValueKind.Null:
                return new KubeconfigScalar(0, null);
            default: // numbers, true, false: as their text, as a YAML plain scalar
                return new KubeconfigScalar(0, element.GetRawText());
        }
    }
}
