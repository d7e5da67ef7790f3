using System.Text.Json;
using ServerPower.Operator.Kubernetes;

namespace ServerPower.Operator.Tests.Edges;

public sealed class MergePatchTests
{
    private static string Diff(string? from, string to) =>
        MergePatch.Diff(from is null ? null : JsonDocument.Parse(from).RootElement, JsonDocument.Parse(to).RootElement).ToJsonString();

    [Theory]
    [InlineData(null, """{"a":1}""", """{"a":1}""")]
    [InlineData("""{"a":1}""", """{"a":1}""", "{}")]
    [InlineData("""{"a":1,"b":2}""", """{"a":1}""", """{"b":null}""")]
    [InlineData("""{"a":{"x":1,"y":2}}""", """{"a":{"x":1,"y":3}}""", """{"a":{"y":3}}""")]
    [InlineData("""{"l":[1,2]}""", """{"l":[1]}""", """{"l":[1]}""")]
    [InlineData("""{"a":{"x":1}}""", """{"a":"s"}""", """{"a":"s"}""")]
    public void Sets_changes_nulls_removals_and_replaces_arrays(string? from, string to, string expected) =>
        Assert.Equal(expected, Diff(from, to));
}
