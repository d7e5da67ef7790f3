using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using ServerPower.Api.Resources;
using ServerPower.Operator.Kubernetes;

namespace ServerPower.Operator.Tests.Kubernetes;

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

    /// <summary>
    /// Found by the simulation: an old leader that thawed after minutes wrote its action's outcome field by field over a
    /// newer lastAction (another token, another target), making a record of an action nobody sent. lastAction is
    /// written whole, every field set or nulled.
    /// </summary>
    [Fact]
    public void The_last_action_is_written_whole_so_it_never_mixes_with_a_newer_one()
    {
        var from = JsonDocument.Parse("""{"lastAction":{"type":"Start","result":"Uncertain","target":"a"},"powerState":"Stopped"}""").RootElement;
        var to = JsonDocument.Parse("""{"lastAction":{"type":"Start","result":"Accepted","target":"a"},"powerState":"Stopped"}""").RootElement;
        var patch = MergePatch.Diff(from, to, MergePatch.StatusRecords).ToJsonString();
        Assert.Equal("""{"lastAction":{"type":"Start","result":"Accepted","target":"a","token":null,"requestTime":null,"message":null}}""", patch);
    }

    [Fact]
    public void The_fields_written_whole_are_every_field_of_LastAction_but_settledTime()
    {
        var fields = typeof(LastAction).GetProperties().Select(p => p.GetCustomAttribute<JsonPropertyNameAttribute>()!.Name).Where(n => n != "settledTime").Order();
        Assert.Equal(fields, MergePatch.StatusRecords["lastAction"].Order());
    }
}
