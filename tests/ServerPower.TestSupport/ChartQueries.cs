using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace ServerPower.TestSupport;

/// <summary>The PromQL the chart ships: its Grafana dashboards' queries and its alerting rules' expressions.</summary>
public static partial class ChartQueries
{
    public static string Chart => RepositoryRoot.Combine("charts", "serverpower-operator");

    /// <summary>Every panel query (<c>expr</c>) of every dashboard, and the metric of each <c>label_values(metric, label)</c> variable.</summary>
    public static IReadOnlyList<string> DashboardQueries()
    {
        var queries = new List<string>();
        foreach (var file in Directory.GetFiles(Path.Combine(Chart, "dashboards"), "*.json"))
        {
            var dashboard = JsonNode.Parse(File.ReadAllText(file))!;
            Collect(dashboard, queries);
            foreach (var variable in dashboard["templating"]?["list"]?.AsArray() ?? [])
                if ((string?)variable?["definition"] is { } definition && LabelValues().Match(definition) is { Success: true } m)
                    queries.Add(m.Groups[1].Value);
        }
        return queries;
    }

    /// <summary>Each rule's <c>expr</c> in the PrometheusRule template, as written (Helm actions left in).</summary>
    public static IReadOnlyList<string> RuleTemplateExpressions() =>
        Expressions(File.ReadAllText(Path.Combine(Chart, "templates", "prometheusrule.yaml")));

    /// <summary>The <c>expr:</c> values of a rules file or template: on the line, or the block below <c>expr: |</c>.</summary>
    public static IReadOnlyList<string> Expressions(string rules)
    {
        var lines = rules.Split('\n');
        var found = new List<string>();
        for (var i = 0; i < lines.Length; i++)
        {
            if (ExprLine().Match(lines[i]) is not { Success: true } m) continue;
            var value = m.Groups[2].Value.Trim();
            if (value is not ("|" or "|-" or ">" or ">-"))
            {
                found.Add(value);
                continue;
            }
            var indent = m.Groups[1].Value.Length;
            var block = lines.Skip(i + 1).TakeWhile(l => l.Trim().Length == 0 || l.Length - l.TrimStart().Length > indent);
            found.Add(string.Join('\n', block).Trim());
        }
        return found;
    }

    private static void Collect(JsonNode? node, List<string> queries)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (key, value) in o)
                    if (key == "expr" && value is JsonValue v && v.TryGetValue<string>(out var expr)) queries.Add(expr);
                    else Collect(value, queries);
                break;
            case JsonArray a:
                foreach (var item in a) Collect(item, queries);
                break;
        }
    }

    [GeneratedRegex(@"^(\s*)expr:\s*(.*)$")]
    private static partial Regex ExprLine();

    [GeneratedRegex(@"label_values\(\s*([A-Za-z_:][A-Za-z0-9_:]*)")]
    private static partial Regex LabelValues();
}
