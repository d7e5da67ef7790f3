using System.Text.Json.Nodes;
using ServerPower.Api.Serialization;
using ServerPower.Api.Tests.Support;
using ServerPower.Api.Vocabulary;

namespace ServerPower.Api.Tests.Crds;

/// <summary>The parts of the CRDs that the C# types cannot check: names, columns, documentation, validation rules.</summary>
public sealed class CrdDefinitionTests
{
    public static TheoryData<string> Kinds => [ApiGroup.ServerPowerKind, ApiGroup.PowerProviderKind, ApiGroup.PowerScheduleKind];

    public static TheoryData<string> KindsWithRules => [ApiGroup.ServerPowerKind, ApiGroup.PowerProviderKind];

    [Theory, MemberData(nameof(Kinds))]
    public void Names_match_the_vocabulary(string kind)
    {
        var crd = Crd.ForKind(kind);
        var (plural, shortName) = kind switch
        {
            ApiGroup.ServerPowerKind => (ApiGroup.ServerPowerPlural, ApiGroup.ServerPowerShortName),
            ApiGroup.PowerScheduleKind => (ApiGroup.PowerSchedulePlural, ApiGroup.PowerScheduleShortName),
            _ => (ApiGroup.PowerProviderPlural, ApiGroup.PowerProviderShortName),
        };
        var names = crd.Spec["names"]!;

        Assert.Equal("apiextensions.k8s.io/v1", (string?)crd.Document["apiVersion"]);
        Assert.Equal($"{plural}.{ApiGroup.Group}", (string?)crd.Document["metadata"]!["name"]);
        Assert.Equal(ApiGroup.Group, (string?)crd.Spec["group"]);
        Assert.Equal("Namespaced", (string?)crd.Spec["scope"]);
        Assert.Equal(plural, (string?)names["plural"]);
        Assert.Equal(kind.ToLowerInvariant(), (string?)names["singular"]);
        Assert.Equal([shortName], Strings(names["shortNames"]));
        Assert.Equal([ApiGroup.Category], Strings(names["categories"]));
        Assert.Equal(ApiGroup.Version, (string?)crd.Version["name"]);
        Assert.True((bool?)crd.Version["served"]);
        Assert.True((bool?)crd.Version["storage"]);
        Assert.NotNull(crd.Version["subresources"]?["status"]);
    }

    [Fact]
    public void ServerPower_has_the_printer_columns_of_the_design()
    {
        const string ready = ".status.conditions[?(@.type==\"Ready\")]";
        const string synced = ".status.conditions[?(@.type==\"Synced\")]";
        Assert.Equal(
            [
                "DESIRED|string|0|.status.desiredState",
                "POWER|string|0|.status.powerState",
                "READY|string|0|" + ready + ".status",
                "SYNCED|string|0|" + synced + ".status",
                "PROVIDER|string|0|.spec.providerRef.name",
                "AGE|date|0|.metadata.creationTimestamp",
                "SERVER|string|1|.spec.serverId",
                "LAST ACTION|string|1|.status.lastAction.type",
                "MESSAGE|string|1|" + ready + ".message",
                "SYNC MESSAGE|string|1|" + synced + ".message",
            ],
            Columns(Crd.ServerPower));
    }

    [Fact]
    public void PowerProvider_has_the_printer_columns_of_the_design()
    {
        Assert.Equal(
            [
                "TYPE|string|0|.spec.type",
                "ENDPOINT|string|0|.spec.endpoint",
                "READY|string|0|.status.conditions[?(@.type==\"Ready\")].status",
                "AGE|date|0|.metadata.creationTimestamp",
            ],
            Columns(Crd.PowerProvider));
    }

    [Theory, MemberData(nameof(Kinds))]
    public void Every_field_has_a_description_for_kubectl_explain(string kind)
    {
        var crd = Crd.ForKind(kind);
        var rootMetadata = $"{crd.Kind.ToLowerInvariant()}.metadata";
        // Root metadata is the one node kube-apiserver forbids to describe (see the test below); kubectl explain
        // documents it from ObjectMeta, and the kind's description carries the annotation words.
        var undocumented = crd.Fields()
            .Where(f => f.Path != rootMetadata && string.IsNullOrWhiteSpace((string?)f.Node["description"]))
            .Select(f => f.Path)
            .ToList();
        Assert.True(undocumented.Count == 0, "fields without a description: " + string.Join(", ", undocumented));
    }

    /// <summary>
    /// kube-apiserver's structural-schema check (validateStructuralMetadataInvariants) allows root metadata to say only
    /// <c>type: object</c> and to restrict name/generateName; anything else refuses the whole CRD with
    /// "must not specify anything other than name and generateName, but metadata is implicitly specified".
    /// </summary>
    [Theory, MemberData(nameof(Kinds))]
    public void Root_metadata_says_only_type_object(string kind)
    {
        var metadata = Crd.ForKind(kind).Schema["properties"]!["metadata"]!.AsObject();
        Assert.Equal(["type"], metadata.Select(p => p.Key));
        Assert.Equal("object", (string?)metadata["type"]);
    }

    [Theory, MemberData(nameof(Kinds))]
    public void The_schema_is_structural(string kind)
    {
        var problems = new List<string>();
        foreach (var (path, node) in Crd.ForKind(kind).Fields())
        {
            if (node["type"] is null) problems.Add($"{path}: no type");
            if (node["additionalProperties"] is JsonValue v && !v.GetValue<bool>()) problems.Add($"{path}: additionalProperties: false is not allowed");
            foreach (var required in Strings(node["required"]))
            {
                if (node["properties"]?[required] is null) problems.Add($"{path}: required field {required} is not defined");
            }
            if ((string?)node["x-kubernetes-list-type"] == "map")
            {
                foreach (var key in Strings(node["x-kubernetes-list-map-keys"]))
                {
                    if (!Strings(node["items"]?["required"]).Contains(key)) problems.Add($"{path}: list-map key {key} must be required");
                }
            }
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void PowerSchedule_has_the_printer_columns_of_the_issue()
    {
        Assert.Equal(
            [
                "TIMEZONE|string|0|.spec.timeZone",
                "STATE|string|0|.status.state",
                "NEXT|string|0|.status.nextTransition",
                "AGE|date|0|.metadata.creationTimestamp",
            ],
            Columns(Crd.PowerSchedule));
    }

    [Fact]
    public void The_ServerPower_description_explains_the_override_annotation() =>
        Assert.Contains(Annotations.Override, (string)Crd.ServerPower.Schema["description"]!, StringComparison.Ordinal);

    [Theory, MemberData(nameof(KindsWithRules))]
    public void Every_validation_rule_has_a_message(string kind)
    {
        var rules = Crd.ForKind(kind).Fields()
            .SelectMany(f => (f.Node["x-kubernetes-validations"] as JsonArray ?? []).Select(r => (f.Path, Rule: r!)))
            .ToList();
        Assert.NotEmpty(rules);
        foreach (var (path, rule) in rules)
        {
            Assert.False(string.IsNullOrWhiteSpace((string?)rule["rule"]), $"{path}: a validation without a rule");
            Assert.False(string.IsNullOrWhiteSpace((string?)rule["message"]), $"{path}: rule {rule["rule"]} has no message");
        }
    }

    [Fact]
    public void PowerProvider_rules_cover_endpoint_reassertInterval_and_caBundle()
    {
        var messages = Crd.PowerProvider.Schema["properties"]!["spec"]!["x-kubernetes-validations"]!.AsArray()
            .Select(r => (string)r!["message"]!).ToList();
        Assert.Contains(messages, m => m.StartsWith("endpoint is required", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.StartsWith("reassertInterval applies only to type Heo", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.StartsWith("caBundleSecretRef applies only", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(ApiGroup.ServerPowerKind, "serverpower.spec.stop.gracePeriod")]
    [InlineData(ApiGroup.PowerProviderKind, "powerprovider.spec.reassertInterval")]
    [InlineData(ApiGroup.ServerPowerKind, "serverpower.spec.stop.warning.before")]
    [InlineData(ApiGroup.ServerPowerKind, "serverpower.spec.autoStop.idleAfter")]
    [InlineData(ApiGroup.ServerPowerKind, "serverpower.spec.autoStop.maxRuntime")]
    [InlineData(ApiGroup.ServerPowerKind, "serverpower.spec.autoStop.startupGrace")]
    public void Durations_use_the_GoDuration_pattern(string kind, string path)
    {
        var node = Crd.ForKind(kind).Fields().Single(f => f.Path == path).Node;
        Assert.Equal(GoDuration.Pattern, (string?)node["pattern"]);
    }

    [Fact]
    public void The_ServerPower_description_explains_both_one_shot_annotations()
    {
        var description = (string)Crd.ServerPower.Schema["description"]!;
        Assert.Contains(Annotations.Restart, description, StringComparison.Ordinal);
        Assert.Contains(Annotations.Rebuild, description, StringComparison.Ordinal);
        Assert.Contains("Skipped", description, StringComparison.Ordinal);
        Assert.Contains("Uncertain", description, StringComparison.Ordinal);
    }

    private static List<string> Columns(Crd crd) =>
        crd.Version["additionalPrinterColumns"]!.AsArray()
            .Select(c => $"{c!["name"]}|{c["type"]}|{(long?)c["priority"] ?? 0}|{c["jsonPath"]}")
            .ToList();

    private static List<string> Strings(JsonNode? array) =>
        (array as JsonArray ?? []).Select(n => (string)n!).ToList();
}
