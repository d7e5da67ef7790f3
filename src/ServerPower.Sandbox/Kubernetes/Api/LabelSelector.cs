namespace ServerPower.Sandbox.Kubernetes.Api;

/// <summary>A parsed label selector: <c>a=b, a==b, a!=b, a in (x,y), a notin (x), a, !a</c>.</summary>
public sealed class LabelSelector
{
    private readonly List<Func<IReadOnlyDictionary<string, string>, bool>> requirements = [];

    public static readonly LabelSelector Everything = new();

    public bool IsEmpty => requirements.Count == 0;

    public bool Matches(IReadOnlyDictionary<string, string> labels) => requirements.All(r => r(labels));

    public static LabelSelector Parse(string? text)
    {
        var selector = new LabelSelector();
        if (string.IsNullOrWhiteSpace(text))
        {
            return selector;
        }
        foreach (var raw in SplitTopLevel(text))
        {
            var part = raw.Trim();
            if (part.Length == 0)
            {
                continue;
            }
            selector.requirements.Add(ParseRequirement(part));
        }
        return selector;
    }

    private static Func<IReadOnlyDictionary<string, string>, bool> ParseRequirement(string part)
    {
        if (part.StartsWith('!'))
        {
            var key = part[1..].Trim();
            return l => !l.ContainsKey(key);
        }
        var notIn = part.IndexOf(" notin ", StringComparison.Ordinal);
        if (notIn > 0)
        {
            var key = part[..notIn].Trim();
            var values = Values(part[(notIn + 7)..]);
            return l => !l.TryGetValue(key, out var v) || !values.Contains(v);
        }
        var inIndex = part.IndexOf(" in ", StringComparison.Ordinal);
        if (inIndex > 0)
        {
            var key = part[..inIndex].Trim();
            var values = Values(part[(inIndex + 4)..]);
            return l => l.TryGetValue(key, out var v) && values.Contains(v);
        }
        var ne = part.IndexOf("!=", StringComparison.Ordinal);
        if (ne > 0)
        {
            var key = part[..ne].Trim();
            var value = part[(ne + 2)..].Trim();
            return l => !l.TryGetValue(key, out var v) || v != value;
        }
        var eq = part.IndexOf('=');
        if (eq > 0)
        {
            var key = part[..eq].Trim();
            var value = part[(eq + 1)..].TrimStart('=').Trim();
            return l => l.TryGetValue(key, out var v) && v == value;
        }
        var exists = part.Trim();
        if (exists.Contains(' ') || exists.Contains('('))
        {
            throw KubeStatus.BadRequest($"unable to parse requirement: {part}");
        }
        return l => l.ContainsKey(exists);
    }

    private static HashSet<string> Values(string text)
    {
        var t = text.Trim();
        if (!t.StartsWith('(') || !t.EndsWith(')'))
        {
            throw KubeStatus.BadRequest($"unable to parse requirement: found '{t}', expected: '('");
        }
        return t[1..^1].Split(',').Select(v => v.Trim()).ToHashSet(StringComparer.Ordinal);
    }

    private static IEnumerable<string> SplitTopLevel(string text)
    {
        var depth = 0;
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            switch (text[i])
            {
                case '(': depth++; break;
                case ')': depth--; break;
                case ',' when depth == 0:
                    yield return text[start..i];
                    start = i + 1;
                    break;
            }
        }
        yield return text[start..];
    }
}
