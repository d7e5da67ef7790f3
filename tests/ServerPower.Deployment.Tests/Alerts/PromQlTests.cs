using CsCheck;

namespace ServerPower.Deployment.Tests.Alerts;

/// <summary><see cref="PromQl.MetricNames"/>, which the metric-name checks of the dashboard and the rules rely on.</summary>
public sealed class PromQlTests
{
    private static readonly long Iterations =
        long.TryParse(Environment.GetEnvironmentVariable("PROPERTY_ITERATIONS"), out var n) ? n : 1_000;

    private static readonly Gen<string> Name = Gen.Select(Gen.Char["abcdefghijklmnopqrstuvwxyz_:"],
        Gen.String[Gen.Char["abcdefghijklmnopqrstuvwxyz0123456789_:"], 0, 30], (first, rest) => first + rest)
        .Where(name => name is not ("and" or "or" or "unless" or "bool" or "offset" or "by" or "without" or "on" or "ignoring"
            or "group_left" or "group_right" or "inf" or "nan"));

    private static readonly Gen<string> LabelName = Gen.String[Gen.Char["abcdefghijklmnopqrstuvwxyz_"], 1, 12];

    // Label values hold anything a query may quote: braces, brackets, parentheses, names, escaped quotes.
    private static readonly Gen<string> LabelValue = Gen.String[Gen.Char["ab_:{}[]()|.*$ 0123\\\"'"], 0, 20]
        .Select(v => v.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal));

    [Fact]
    public void The_names_of_selectors_are_found_inside_functions_aggregations_groupings_and_operators()
    {
        var query = Gen.Select(Name.Array[1, 4], LabelName.Array[0, 3], Gen.Int[0, 1000], Gen.OneOf<string>("rate", "increase", "max_over_time"),
            Gen.OneOf<string>("sum", "max", "avg", "count"));
        query.Sample((names, groupBy, threshold, function, aggregation) =>
        {
            var selectors = names.Select((name, i) => i % 2 == 0
                ? $"{function}({name}{{job=\"x\",le=~\"0.5|1\"}}[5m])"
                : $"{name}{{ {{{{- $job -}}}} }}");
            var grouping = groupBy.Length == 0 ? "" : $" by ({string.Join(", ", groupBy)})";
            var expression = $"histogram_quantile(0.99, {aggregation}{grouping} ({string.Join(" / on (a) group_left ", selectors)})) > {threshold} and absent(up == 1)";

            Assert.Equal(names.Append("up").Distinct().Order(), PromQl.MetricNames(expression).Order());
        }, iter: Iterations);
    }

    [Fact]
    public void Label_values_never_become_names()
    {
        Gen.Select(Name, LabelName, LabelValue).Sample((name, label, value) =>
            Assert.Equal([name], PromQl.MetricNames($"sum by ({label}) ({name}{{{label}=\"{value}\"}})")), iter: Iterations);
    }

    [Theory]
    [InlineData("absent(up{job=\"serverpower-operator-metrics\"} == 1)", "up")]
    [InlineData("sum(serverpower_servers{job=\"$job\",ready=\"True\"}) / sum(serverpower_servers{job=\"$job\"})", "serverpower_servers")]
    [InlineData("sum by (namespace) (increase(serverpower_server_seconds_total{job=\"$job\"}[$__range])) / 3600", "serverpower_server_seconds_total")]
    [InlineData("max by (namespace) (a_seconds{ {{- $job -}} ,reason!~{{ join \"|\" $a.ignore | quote }}}) > {{ $a.seconds }}", "a_seconds")]
    [InlineData("rate(process_cpu_seconds_total{job=\"$job\"}[$__rate_interval]) > 1e3", "process_cpu_seconds_total")]
    public void Chart_style_queries(string query, string name) => Assert.Equal([name], PromQl.MetricNames(query));
}
