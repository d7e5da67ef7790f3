using System.Text.Json;

namespace ServerPower.Providers.Activity;

/// <summary>
/// A player count at a dotted path of property names (".players", ".a.b") in a JSON document. Written here because the
/// package source serves no JSONPath library (JsonPath.Net) and a JSON Pointer one would still need this form translated.
/// </summary>
public static class DottedJsonPath
{
    /// <summary>Null when <paramref name="path"/> is a dot followed by property names separated by dots; otherwise why not.</summary>
    public static string? Check(string path) =>
        path.Length < 2 || path[0] != '.' || path[1..].Split('.').Any(string.IsNullOrEmpty)
            ? $"jsonPath '{path}' is not a dotted path of property names such as .players or .a.b"
            : null;

    /// <summary>The whole number of at least 0 at <paramref name="path"/>, or Unreadable saying what is missing.</summary>
    public static ActivityRead Players(JsonElement root, string path)
    {
        if (Check(path) is { } why) return ActivityRead.Unknown(ActivityOutcome.Unreadable, why);
        var at = root;
        foreach (var name in path[1..].Split('.'))
        {
            if (at.ValueKind != JsonValueKind.Object || !at.TryGetProperty(name, out at))
                return ActivityRead.Unknown(ActivityOutcome.Unreadable, $"the answer has no {path}");
        }
        return at.ValueKind == JsonValueKind.Number && at.TryGetInt32(out var players) && players >= 0
            ? ActivityRead.Count(players, $"{players} players")
            : ActivityRead.Unknown(ActivityOutcome.Unreadable, $"{path} is not a whole number of 0 or more");
    }

    /// <summary>Parses <paramref name="json"/> and reads <paramref name="path"/>; text that is not JSON is Unreadable.</summary>
    public static ActivityRead Players(ReadOnlyMemory<byte> json, string path)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return Players(document.RootElement, path);
        }
        catch (JsonException)
        {
            return ActivityRead.Unknown(ActivityOutcome.Unreadable, "the answer is not JSON");
        }
    }
}
