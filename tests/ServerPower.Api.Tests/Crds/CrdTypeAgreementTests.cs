using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using ServerPower.Api.Resources;
using ServerPower.Api.Tests.Support;

namespace ServerPower.Api.Tests.Crds;

/// <summary>The C# types and the CRD schemas describe the same API, so neither can drift from the other.</summary>
public sealed class CrdTypeAgreementTests
{
    [Fact]
    public void ServerPower_type_and_schema_agree_field_by_field() =>
        AssertAgree(typeof(ServerPowerResource), Crd.ServerPower);

    [Fact]
    public void PowerProvider_type_and_schema_agree_field_by_field() =>
        AssertAgree(typeof(PowerProviderResource), Crd.PowerProvider);

    [Fact]
    public void PowerSchedule_type_and_schema_agree_field_by_field() =>
        AssertAgree(typeof(PowerScheduleResource), Crd.PowerSchedule);

    [Fact]
    public void The_comparison_names_every_kind_of_drift_by_path()
    {
        var schema = JsonNode.Parse("""
            {"type": "object", "required": ["name"], "properties": {
              "state": {"type": "string", "enum": ["Running", "Paused"]},
              "count": {"type": "integer"},
              "name": {"type": "string"},
              "grace": {"type": "string", "default": "5m"},
              "items": {"type": "array", "items": {"type": "string"}},
              "missing": {"type": "string"}
            }}
            """)!.AsObject();

        var differences = SchemaTypeComparer.Compare(typeof(Drifted), schema, "spec");

        string[] expected =
            [
                "spec.state: C# TargetPowerState value \"Stopped\" is missing from the CRD enum",
                "spec.state: CRD enum value \"Paused\" is missing from C# TargetPowerState",
                "spec.count: C# String is JSON string, the CRD says integer",
                "spec.grace: the CRD defaults to \"5m\", C# Drifted.Grace to \"10m\"",
                "spec.items[]: C# Int64 is JSON integer, the CRD says string",
                "spec.extra: C# Drifted.Extra has no field in the CRD",
                "spec.missing: the CRD has a field that C# Drifted lacks",
                "spec.name: required by the CRD but nullable in C# Drifted.Name",
            ];
        Assert.Equal(expected.Order(StringComparer.Ordinal), differences.Order(StringComparer.Ordinal));
    }

    private static void AssertAgree(Type type, Crd crd)
    {
        var differences = SchemaTypeComparer.Compare(type, crd.Schema, crd.Kind.ToLowerInvariant());
        Assert.True(differences.Count == 0,
            $"{type.Name} and {Path.GetFileName(crd.File)} disagree:\n  " + string.Join("\n  ", differences));
    }

    private sealed record Drifted
    {
        [JsonPropertyName("state")] public TargetPowerState State { get; init; }
        [JsonPropertyName("count")] public string Count { get; init; } = "";
        [JsonPropertyName("name")] public string? Name { get; init; }
        [JsonPropertyName("grace")] public string Grace { get; init; } = "10m";
        [JsonPropertyName("items")] public IReadOnlyList<long> Items { get; init; } = [];
        [JsonPropertyName("extra")] public bool Extra { get; init; }
    }
}
