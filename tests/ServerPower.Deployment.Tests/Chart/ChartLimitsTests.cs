using System.Text.Json.Nodes;
using ServerPower.Api.Serialization;
using ServerPower.Deployment.Tests.Infrastructure;
using ServerPower.Operator.Hosting;
using static ServerPower.Deployment.Tests.Chart.DefaultValuesTests;

namespace ServerPower.Deployment.Tests.Chart;

/// <summary>
/// The chart accepts exactly the values the operator accepts, so a bad value fails <c>helm template</c> (or install)
/// instead of crash-looping the pod with exit code 2. The operator's own parser (<see cref="OptionsParser"/>) is the
/// source: each row sets chart values at the edge of a limit and the operator flags they become; where helm renders,
/// the operator must accept the arguments it rendered, and where helm refuses, the operator must refuse those flags.
/// </summary>
public sealed class ChartLimitsTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public static TheoryData<string, string[]> Edges() => new()
    {
        { "resyncPeriod: 5s", ["--resync-period=5s"] },
        { "resyncPeriod: 9.999s", ["--resync-period=9.999s"] },
        { "resyncPeriod: 10s", ["--resync-period=10s"] },
        { "resyncPeriod: 1.5h", ["--resync-period=1.5h"] },
        { "resyncPeriod: 8760h", ["--resync-period=8760h"] },
        { "resyncPeriod: 8761h", ["--resync-period=8761h"] },
        { "resyncPeriod: 5us", ["--resync-period=5us"] },
        { "resyncPeriod: 5m0s", ["--resync-period=5m0s"] },
        { "timings: {minPoll: 99ms, maxPoll: 30s, startTimeout: 5m, drainTimeout: 20s}", ["--min-poll=99ms"] },
        { "timings: {minPoll: 100ms, maxPoll: 30s, startTimeout: 5m, drainTimeout: 20s}", ["--min-poll=100ms"] },
        { "timings: {minPoll: 2s, maxPoll: 1999ms, startTimeout: 5m, drainTimeout: 20s}", ["--max-poll=1999ms"] },
        { "timings: {minPoll: 2s, maxPoll: 2s, startTimeout: 2s, drainTimeout: 0s}", ["--max-poll=2s", "--start-timeout=2s", "--drain-timeout=0s"] },
        { "timings: {minPoll: 2s, maxPoll: 30s, startTimeout: 1s, drainTimeout: 20s}", ["--start-timeout=1s"] },
        { "timings: {minPoll: 2s, maxPoll: 30s, startTimeout: 5m, drainTimeout: 8761h}", ["--drain-timeout=8761h"] },
        { "provider: {requestTimeout: 99ms}", ["--provider-request-timeout=99ms"] },
        { "provider: {requestTimeout: 100ms}", ["--provider-request-timeout=100ms"] },
        { "provider: {requestTimeout: 1h}", ["--provider-request-timeout=1h"] },
        { "provider: {requestTimeout: 60m1s}", ["--provider-request-timeout=60m1s"] },
        { "provider: {maxRetryDelay: 1h}", ["--provider-max-retry-delay=1h"] },
        { "provider: {maxRetryDelay: 61m}", ["--provider-max-retry-delay=61m"] },
        { "provider: {retryBaseDelay: 30s}", ["--provider-retry-base-delay=30s"] },
        { "provider: {retryBaseDelay: 31s}", ["--provider-retry-base-delay=31s"] },
        { "provider: {batchReadMaxAge: 0s}", ["--provider-batch-read-max-age=0s"] },
        { "provider: {batchReadMaxAge: 10m}", ["--provider-batch-read-max-age=10m"] },
        { "provider: {batchReadMaxAge: 601s}", ["--provider-batch-read-max-age=601s"] },
        { "provider: {breaker: {samplingDuration: 999ms}}", ["--breaker-sampling-duration=999ms"] },
        { "provider: {breaker: {samplingDuration: 1s}}", ["--breaker-sampling-duration=1s"] },
        { "provider: {breaker: {breakDuration: 24h}}", ["--breaker-break-duration=24h"] },
        { "provider: {breaker: {breakDuration: 24h1s}}", ["--breaker-break-duration=24h1s"] },
        { "provider: {maxAttempts: 0}", ["--provider-max-attempts=0"] },
        { "provider: {maxAttempts: 10}", ["--provider-max-attempts=10"] },
        { "provider: {maxAttempts: 11}", ["--provider-max-attempts=11"] },
        { "provider: {breaker: {failureRatio: 0}}", ["--breaker-failure-ratio=0"] },
        { "provider: {breaker: {failureRatio: 1}}", ["--breaker-failure-ratio=1"] },
        { "provider: {breaker: {failureRatio: 1.01}}", ["--breaker-failure-ratio=1.01"] },
        { "provider: {breaker: {minimumThroughput: 1}}", ["--breaker-minimum-throughput=1"] },
        { "provider: {breaker: {minimumThroughput: 10000}}", ["--breaker-minimum-throughput=10000"] },
        { "provider: {breaker: {minimumThroughput: 10001}}", ["--breaker-minimum-throughput=10001"] },
        { "workers: 0", ["--workers=0"] },
        { "workers: 256", ["--workers=256"] },
        { "workers: 257", ["--workers=257"] },
        { "limits: {probesPerNamespace: 0, serversPerNamespace: 1000}", ["--max-probes-per-namespace=0"] },
        { "limits: {probesPerNamespace: 1024, serversPerNamespace: 1000}", ["--max-probes-per-namespace=1024"] },
        { "limits: {probesPerNamespace: 1025, serversPerNamespace: 1000}", ["--max-probes-per-namespace=1025"] },
        { "limits: {probesPerNamespace: 8, serversPerNamespace: 0}", ["--max-servers-per-namespace=0"] },
        { "limits: {probesPerNamespace: 8, serversPerNamespace: 10000000}", ["--max-servers-per-namespace=10000000"] },
        { "limits: {probesPerNamespace: 8, serversPerNamespace: 10000001}", ["--max-servers-per-namespace=10000001"] },
        { "logFormat: yaml", ["--log-format=yaml"] },
    };

    [Theory]
    [MemberData(nameof(Edges))]
    public async Task The_chart_accepts_a_value_exactly_when_the_operator_does(string values, string[] flags)
    {
        var defaults = Arguments(await Helm.RenderDefaultAsync(Cancel));
        var operatorRefuses = Refuses([.. defaults, .. flags]);

        var result = await Helm.TemplateAsync(values, Cancel);

        if (result.ExitCode == 0)
        {
            var rendered = Arguments(Manifests.Parse(result.StandardOutput));
            Assert.True(Refuses(rendered) is null, $"the chart renders {values} but the operator refuses its arguments: {Refuses(rendered)}");
            Assert.True(operatorRefuses is null, $"the chart renders {values} but the operator refuses {string.Join(' ', flags)}: {operatorRefuses}");
        }
        else
        {
            Assert.True(operatorRefuses is not null, $"the chart refuses {values}, which the operator accepts:\n{result.StandardError}");
        }
    }

    [Fact]
    public void Every_duration_in_the_schema_has_the_operator_s_pattern()
    {
        var schema = JsonNode.Parse(File.ReadAllText(Path.Combine(Repository.ChartDirectory, "values.schema.json")))!;
        var patterns = Nodes(schema).Select(n => (string?)n["pattern"]).OfType<string>()
            .Where(p => p.Contains("ms|", StringComparison.Ordinal) && p.Contains("|h)", StringComparison.Ordinal))
            .ToList();

        Assert.True(patterns.Count >= 11, $"found {patterns.Count} duration patterns");
        Assert.All(patterns, p => Assert.Equal(GoDuration.Pattern, p));
    }

    [Fact]
    public async Task A_refused_value_is_named_in_the_error()
    {
        var result = await Helm.TemplateAsync("resyncPeriod: 5s", Cancel);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("resyncPeriod must be from 10s to 8760h (the operator refuses 5s)", result.StandardError, StringComparison.Ordinal);
    }

    private static List<string> Arguments(IReadOnlyList<JsonObject> objects) =>
        [.. Strings(Container(objects.Single("Deployment", Helm.Release))["args"]).OfType<string>()];

    /// <summary>The operator's error for these arguments, or null when it accepts them.</summary>
    private static string? Refuses(IReadOnlyList<string> arguments)
    {
        try
        {
            OptionsParser.Parse(arguments, new Dictionary<string, string>());
            return null;
        }
        catch (OptionsException e)
        {
            return e.Message;
        }
    }

    private static IEnumerable<JsonObject> Nodes(JsonNode node) => node switch
    {
        JsonObject o => o.Select(p => p.Value).OfType<JsonNode>().SelectMany(Nodes).Prepend(o),
        JsonArray a => a.OfType<JsonNode>().SelectMany(Nodes),
        _ => [],
    };
}
