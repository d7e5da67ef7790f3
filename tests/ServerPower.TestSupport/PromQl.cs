using System.Text.RegularExpressions;

namespace ServerPower.TestSupport;

/// <summary>
/// The metric names a PromQL expression (or a Grafana query with <c>$variables</c>, or a Helm template of one) reads.
/// There is no PromQL parser for .NET; the chart's queries use selectors, aggregations with grouping, functions,
/// ranges and binary operators only, so taking away what cannot be a metric name (template actions, strings, label
/// matchers, ranges, grouping clauses, function calls' names, keywords, numbers, variables) leaves the names.
/// </summary>
public static partial class PromQl
{
    private static readonly HashSet<string> Keywords = new(StringComparer.Ordinal)
    {
        "and", "or", "unless", "bool", "offset", "by", "without", "on", "ignoring", "group_left", "group_right", "inf", "nan", "Inf", "NaN",
    };

    public static IReadOnlySet<string> MetricNames(string expression)
    {
        var text = TemplateAction().Replace(expression, " ");
        text = QuotedString().Replace(text, " ");
        text = RemoveNested(text, '{', '}');
        text = RemoveNested(text, '[', ']');
        text = Grouping().Replace(text, " ");
        return Identifier().Matches(text)
            .Where(m => !Keywords.Contains(m.Value) && !IsCall(text, m.Index + m.Length))
            .Select(m => m.Value)
            .ToHashSet(StringComparer.Ordinal);
    }

    private static bool IsCall(string text, int end)
    {
        while (end < text.Length && char.IsWhiteSpace(text[end])) end++;
        return end < text.Length && text[end] == '(';
    }

    /// <summary>Removes every bracketed part, however deeply nested (a Helm action inside a label matcher).</summary>
    private static string RemoveNested(string text, char open, char close)
    {
        var kept = new System.Text.StringBuilder(text.Length);
        var depth = 0;
        foreach (var c in text)
        {
            if (c == open) depth++;
            else if (c == close && depth > 0) depth--;
            else if (depth == 0) kept.Append(c);
            if (depth > 0 || c == close) kept.Append(' ');
        }
        return kept.ToString();
    }

    [GeneratedRegex(@"\{\{.*?\}\}", RegexOptions.Singleline)]
    private static partial Regex TemplateAction();

    [GeneratedRegex("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'|`[^`]*`")]
    private static partial Regex QuotedString();

    [GeneratedRegex(@"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)")]
    private static partial Regex Grouping();

    // A name starts with a letter, _ or : and is not part of a number (1e3), a $variable or a longer word.
    [GeneratedRegex(@"(?<![\w$.:])[A-Za-z_:][A-Za-z0-9_:]*")]
    private static partial Regex Identifier();
}
