using System.Net;
using System.Text.Json.Nodes;
using ServerPower.Sandbox.Kubernetes.Api;
using ServerPower.Sandbox.Kubernetes.Schema;

namespace ServerPower.Sandbox.Tests.Kubernetes;

/// <summary>CRD admission refuses schemas kube-apiserver refuses, with its field paths and texts.</summary>
public sealed class StructuralSchemaTests
{
    private const string Root = "spec.validation.openAPIV3Schema";
    private const string Crds = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";

    private static JsonObject Crd(string schemaJson, bool status = false)
    {
        var version = new JsonObject
        {
            ["name"] = "v1",
            ["served"] = true,
            ["storage"] = true,
            ["schema"] = new JsonObject { ["openAPIV3Schema"] = JsonNode.Parse(schemaJson) },
        };
        if (status)
        {
            version["subresources"] = new JsonObject { ["status"] = new JsonObject() };
        }
        return new JsonObject
        {
            ["apiVersion"] = "apiextensions.k8s.io/v1",
            ["kind"] = "CustomResourceDefinition",
            ["metadata"] = new JsonObject { ["name"] = "things.example.io" },
            ["spec"] = new JsonObject
            {
                ["group"] = "example.io",
                ["scope"] = "Namespaced",
                ["names"] = new JsonObject { ["plural"] = "things", ["kind"] = "Thing" },
                ["versions"] = new JsonArray(version),
            },
        };
    }

    private static List<string> Errors(JsonObject crd) =>
        StructuralSchema.Check(crd["spec"]!.AsObject()).Select(e => e.ToString()).ToList();

    private static List<string> Errors(string schemaJson, bool status = false) => Errors(Crd(schemaJson, status));

    /// <summary>A root schema whose spec is the given property schema.</summary>
    private static List<string> SpecErrors(string specJson) =>
        Errors("""{"type":"object","properties":{"spec":""" + specJson + "}}");

    private const string Spec = Root + ".properties[spec]";

    private const string ImplicitMetadata =
        "Forbidden: must not specify anything other than name and generateName, but metadata is implicitly specified";

    [Fact]
    public async Task A_description_on_root_metadata_is_refused_with_the_apiservers_422_answer()
    {
        await using var h = await EmulatorHarness.StartAsync();
        var crd = Crd("""{"type":"object","properties":{"metadata":{"type":"object","description":"Standard object metadata."}}}""");

        var reply = await h.SendAsync(HttpMethod.Post, Crds, crd);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, reply.Status);
        Assert.Equal($$"""{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"CustomResourceDefinition.apiextensions.k8s.io \u0022things.example.io\u0022 is invalid: {{Root}}.properties[metadata]: {{ImplicitMetadata}}","reason":"Invalid","details":{"name":"things.example.io","group":"apiextensions.k8s.io","kind":"CustomResourceDefinition","causes":[{"reason":"FieldValueForbidden","message":"{{ImplicitMetadata}}","field":"{{Root}}.properties[metadata]"}]},"code":422}""",
            reply.Body!.ToJsonString());
        Assert.Null(h.Emulator.GetObject("apiextensions.k8s.io", "customresourcedefinitions", null, "things.example.io"));

        var names = Crd("""{"type":"object","properties":{"metadata":{"type":"object","properties":{"name":{"type":"string","maxLength":20},"generateName":{"type":"string"}}}}}""");
        Assert.Equal(HttpStatusCode.Created, (await h.SendAsync(HttpMethod.Post, Crds, names)).Status);
    }

    [Fact]
    public void Root_metadata_may_only_be_an_object_restricting_name_and_generateName_and_holds_no_default()
    {
        Assert.Equal([$"{Root}.properties[metadata]: {ImplicitMetadata}"],
            Errors("""{"type":"object","properties":{"metadata":{"type":"object","properties":{"labels":{"type":"object"}}}}}"""));
        Assert.Equal([$"{Root}.properties[metadata]: {ImplicitMetadata}"],
            Errors("""{"type":"object","properties":{"metadata":{"type":"object","x-kubernetes-preserve-unknown-fields":true}}}"""));
        Assert.Equal([$"{Root}.properties[metadata].type: Invalid value: \"string\": must be object"],
            Errors("""{"type":"object","properties":{"metadata":{"type":"string"}}}"""));
        Assert.Equal([$"{Root}.properties[metadata].properties[name].default: Forbidden: must not be set in top-level metadata"],
            Errors("""{"type":"object","properties":{"metadata":{"type":"object","properties":{"name":{"type":"string","default":"x"}}}}}"""));
        Assert.Equal([$"{Root}.properties[kind].type: Invalid value: \"integer\": must be string"],
            Errors("""{"type":"object","properties":{"kind":{"type":"integer"},"apiVersion":{"type":"string"}}}"""));
        Assert.Equal([$"{Root}.properties[apiVersion].default: Forbidden: must not be set in top-level apiVersion"],
            Errors("""{"type":"object","properties":{"apiVersion":{"type":"string","default":"example.io/v1"}}}"""));
        // Below the root, a field named metadata is an ordinary field.
        Assert.Empty(SpecErrors("""{"type":"object","properties":{"metadata":{"type":"object","description":"free-form"}}}"""));
    }

    [Fact]
    public void Every_specified_node_has_a_type_and_the_root_is_an_object()
    {
        Assert.Equal([$"{Root}.type: Required value: must not be empty at the root"],
            Errors("""{"properties":{"spec":{"type":"object"}}}"""));
        Assert.Equal([$"{Root}.type: Invalid value: \"array\": must be object at the root"],
            Errors("""{"type":"array","items":{"type":"string"}}"""));
        Assert.Equal([$"{Spec}.properties[size].type: Required value: must not be empty for specified object fields"],
            SpecErrors("""{"type":"object","properties":{"size":{"description":"no type"}}}"""));
        Assert.Equal([$"{Spec}.properties[tags].items.type: Required value: must not be empty for specified array items"],
            SpecErrors("""{"type":"object","properties":{"tags":{"type":"array","items":{"minLength":1}}}}"""));
        Assert.Equal([$"{Spec}.properties[tags].items: Required value: must be specified"],
            SpecErrors("""{"type":"object","properties":{"tags":{"type":"array"}}}"""));
        Assert.Equal([$"{Spec}.properties[port].type: Unsupported value: \"int\": supported values: \"array\", \"boolean\", \"integer\", \"number\", \"object\", \"string\""],
            SpecErrors("""{"type":"object","properties":{"port":{"type":"int"}}}"""));
        // int-or-string and preserve-unknown-fields nodes may leave the type out.
        Assert.Empty(SpecErrors("""{"type":"object","properties":{"port":{"x-kubernetes-int-or-string":true},"raw":{"x-kubernetes-preserve-unknown-fields":true}}}"""));
    }

    [Fact]
    public void Kubernetes_extensions_are_allowed_only_in_their_places_and_combinations()
    {
        Assert.Equal([$"{Spec}.properties[port].x-kubernetes-preserve-unknown-fields: Invalid value: true: must be false if x-kubernetes-int-or-string is true"],
            SpecErrors("""{"type":"object","properties":{"port":{"x-kubernetes-int-or-string":true,"x-kubernetes-preserve-unknown-fields":true}}}"""));
        Assert.Equal([$"{Spec}.properties[raw].x-kubernetes-preserve-unknown-fields: Invalid value: false: must be true or undefined"],
            SpecErrors("""{"type":"object","properties":{"raw":{"type":"object","x-kubernetes-preserve-unknown-fields":false}}}"""));
        Assert.Equal([$"{Spec}.properties[template].type: Required value: must be object if x-kubernetes-embedded-resource is true"],
            SpecErrors("""{"type":"object","properties":{"template":{"x-kubernetes-embedded-resource":true,"x-kubernetes-preserve-unknown-fields":true}}}"""));
        Assert.Equal([$"{Spec}.properties[template].properties: Required value: must not be empty if x-kubernetes-embedded-resource is true without x-kubernetes-preserve-unknown-fields"],
            SpecErrors("""{"type":"object","properties":{"template":{"type":"object","x-kubernetes-embedded-resource":true}}}"""));
        Assert.Equal([$"{Root}.properties[metadata].x-kubernetes-embedded-resource: Forbidden: must not be used inside of resource meta"],
            Errors("""{"type":"object","properties":{"metadata":{"type":"object","x-kubernetes-embedded-resource":true,"x-kubernetes-preserve-unknown-fields":true}}}""")
                .Where(e => !e.Contains(ImplicitMetadata)).ToList());
        Assert.Equal([$"{Spec}.anyOf[0].x-kubernetes-preserve-unknown-fields: Forbidden: must be false to be structural"],
            SpecErrors("""{"type":"object","anyOf":[{"x-kubernetes-preserve-unknown-fields":true}]}"""));
        Assert.Empty(SpecErrors("""{"type":"object","properties":{"template":{"type":"object","x-kubernetes-embedded-resource":true,"x-kubernetes-preserve-unknown-fields":true}}}"""));
    }

    [Fact]
    public void List_types_and_map_keys_follow_the_server_rules()
    {
        Assert.Equal([$"{Spec}.properties[ports].type: Invalid value: \"object\": must be array if x-kubernetes-list-type is specified"],
            SpecErrors("""{"type":"object","properties":{"ports":{"type":"object","x-kubernetes-list-type":"set"}}}"""));
        Assert.Equal([$"{Spec}.properties[ports].x-kubernetes-list-type: Unsupported value: \"bag\": supported values: \"atomic\", \"set\", \"map\""],
            SpecErrors("""{"type":"object","properties":{"ports":{"type":"array","items":{"type":"string"},"x-kubernetes-list-type":"bag"}}}"""));
        Assert.Equal([$"{Spec}.properties[ports].x-kubernetes-list-type: Required value: must be map if x-kubernetes-list-map-keys is non-empty"],
            SpecErrors("""{"type":"object","properties":{"ports":{"type":"array","items":{"type":"object","required":["name"],"properties":{"name":{"type":"string"}}},"x-kubernetes-list-map-keys":["name"]}}}"""));
        Assert.Equal([$"{Spec}.properties[ports].x-kubernetes-list-map-keys: Required value: must not be empty if x-kubernetes-list-type is map"],
            SpecErrors("""{"type":"object","properties":{"ports":{"type":"array","items":{"type":"object","properties":{"name":{"type":"string"}}},"x-kubernetes-list-type":"map"}}}"""));
        Assert.Equal([$"{Spec}.properties[ports].items.properties[name].default: Required value: this property is in x-kubernetes-list-map-keys, so it must have a default or be a required property"],
            SpecErrors("""{"type":"object","properties":{"ports":{"type":"array","items":{"type":"object","properties":{"name":{"type":"string"}}},"x-kubernetes-list-type":"map","x-kubernetes-list-map-keys":["name"]}}}"""));
        Assert.Equal([$"{Spec}.properties[ports].items.properties[name].type: Invalid value: \"object\": must be a scalar type if parent array's x-kubernetes-list-type is map"],
            SpecErrors("""{"type":"object","properties":{"ports":{"type":"array","items":{"type":"object","required":["name"],"properties":{"name":{"type":"object"}}},"x-kubernetes-list-type":"map","x-kubernetes-list-map-keys":["name"]}}}"""));
        Assert.Equal([$"{Spec}.properties[ports].x-kubernetes-list-map-keys: Invalid value: []string{{\"port\"}}: entries must all be names of item properties"],
            SpecErrors("""{"type":"object","properties":{"ports":{"type":"array","items":{"type":"object","required":["name"],"properties":{"name":{"type":"string"}}},"x-kubernetes-list-type":"map","x-kubernetes-list-map-keys":["port"]}}}"""));
        Assert.Equal([$"{Spec}.properties[ports].items.type: Invalid value: \"string\": must be object if parent array's x-kubernetes-list-type is map"],
            SpecErrors("""{"type":"object","properties":{"ports":{"type":"array","items":{"type":"string"},"x-kubernetes-list-type":"map","x-kubernetes-list-map-keys":["name"]}}}"""));
        Assert.Equal([$"{Spec}.properties[pairs].items.x-kubernetes-map-type: Invalid value: \"null\": must be atomic as item of a list with x-kubernetes-list-type=set"],
            SpecErrors("""{"type":"object","properties":{"pairs":{"type":"array","items":{"type":"object","properties":{"a":{"type":"string"}}},"x-kubernetes-list-type":"set"}}}"""));
        Assert.Equal([$"{Spec}.properties[names].items.nullable: Forbidden: cannot be nullable when x-kubernetes-list-type is set"],
            SpecErrors("""{"type":"object","properties":{"names":{"type":"array","items":{"type":"string","nullable":true},"x-kubernetes-list-type":"set"}}}"""));
        Assert.Empty(SpecErrors("""{"type":"object","properties":{"names":{"type":"array","items":{"type":"string"},"x-kubernetes-list-type":"set"},"ports":{"type":"array","items":{"type":"object","properties":{"name":{"type":"string"},"protocol":{"type":"string","default":"TCP"}},"required":["name"]},"x-kubernetes-list-type":"map","x-kubernetes-list-map-keys":["name","protocol"]}}}"""));
    }

    [Fact]
    public void Defaults_must_validate_against_their_schema_and_survive_pruning()
    {
        Assert.Equal([$"{Spec}.properties[state].default: Unsupported value: \"Sideways\": supported values: \"Running\", \"Stopped\""],
            SpecErrors("""{"type":"object","properties":{"state":{"type":"string","enum":["Running","Stopped"],"default":"Sideways"}}}"""));
        Assert.Equal([$"{Spec}.properties[replicas].default: Invalid value: \"string\": default in body must be of type integer: \"string\""],
            SpecErrors("""{"type":"object","properties":{"replicas":{"type":"integer","default":"one"}}}"""));
        Assert.Equal([$"{Spec}.properties[limits].default: Invalid value: map[string]interface {{}}{{\"cpu\":1, \"gpu\":2}}: must not have unknown fields"],
            SpecErrors("""{"type":"object","properties":{"limits":{"type":"object","properties":{"cpu":{"type":"integer"}},"default":{"cpu":1,"gpu":2}}}}"""));
        Assert.Equal([$"{Spec}.default.name: Required value"],
            SpecErrors("""{"type":"object","required":["name"],"properties":{"name":{"type":"string"}},"default":{}}"""));
        Assert.Empty(SpecErrors("""{"type":"object","default":{},"properties":{"limits":{"type":"object","properties":{"cpu":{"type":"integer"}},"default":{"cpu":1}},"extra":{"type":"object","x-kubernetes-preserve-unknown-fields":true,"default":{"anything":true}}}}"""));
    }

    [Fact]
    public void AdditionalProperties_and_value_validations_stay_structural()
    {
        Assert.Equal([$"{Spec}.additionalProperties: Forbidden: additionalProperties and properties are mutual exclusive"],
            SpecErrors("""{"type":"object","properties":{"a":{"type":"string"}},"additionalProperties":{"type":"string"}}"""));
        Assert.Equal([$"{Root}.additionalProperties: Forbidden: must not be used at the root"],
            Errors("""{"type":"object","additionalProperties":{"type":"string"}}"""));
        Assert.Equal([$"{Spec}.oneOf[0].description: Forbidden: must be empty to be structural", $"{Spec}.oneOf[0].type: Forbidden: must be empty to be structural"],
            SpecErrors("""{"type":"object","properties":{"a":{"type":"string"}},"oneOf":[{"type":"object","description":"one","required":["a"]}]}"""));
        Assert.Equal([$"{Spec}.not.default: Forbidden: must be undefined to be structural"],
            SpecErrors("""{"type":"object","not":{"default":{}}}"""));
        Assert.Equal([$"{Spec}.allOf[0].properties[metadata]: Forbidden: must not be specified in a nested context"],
            SpecErrors("""{"type":"object","properties":{"metadata":{"type":"object"}},"allOf":[{"properties":{"metadata":{"required":["name"]}}}]}"""));
        Assert.Equal([$"{Root}.properties[b]: Required value: because it is defined in {Root}.anyOf[0].properties[b]"],
            Errors("""{"type":"object","properties":{"a":{"type":"string"}},"anyOf":[{"properties":{"b":{"minLength":1}}}]}"""));
        Assert.Equal([$"{Spec}.properties[size].pattern: Invalid value: \"^(?!x)\": must be a valid regular expression, but isn't: error parsing regexp: invalid or unsupported Perl syntax: `(?!`"],
            SpecErrors("""{"type":"object","properties":{"size":{"type":"string","pattern":"^(?!x)"}}}"""));
        // int-or-string spelled out with anyOf is the exception that may name types.
        Assert.Empty(SpecErrors("""{"type":"object","properties":{"port":{"x-kubernetes-int-or-string":true,"anyOf":[{"type":"integer"},{"type":"string"}]},"anyA":{"type":"object","properties":{"a":{"type":"string"}},"anyOf":[{"required":["a"]}]}}}"""));
    }

    [Fact]
    public void The_root_of_a_schema_with_a_status_subresource_holds_only_what_survives_cutting_out_status()
    {
        var errors = Errors("""{"type":"object","properties":{"spec":{"type":"object"}},"anyOf":[{"required":["spec"]}]}""", status: true);
        var error = Assert.Single(errors);
        Assert.StartsWith($"{Root}: Invalid value: ", error);
        Assert.EndsWith("only [Description Type Format Title Maximum ExclusiveMaximum Minimum ExclusiveMinimum MaxLength MinLength Pattern MaxItems MinItems UniqueItems MultipleOf Required Items Properties ExternalDocs Example XPreserveUnknownFields XValidations] fields are allowed at the root of the schema if the status subresource is enabled", error);
        Assert.Equal([$"{Root}.nullable: Forbidden: nullable cannot be true at the root"],
            Errors("""{"type":"object","nullable":true}"""));
    }

    [Fact]
    public void Versions_with_different_schemas_are_reported_under_their_own_path()
    {
        var crd = Crd("""{"type":"object"}""");
        var versions = crd["spec"]!["versions"]!.AsArray();
        var v2 = versions[0]!.DeepClone().AsObject();
        v2["name"] = "v2";
        v2["storage"] = false;
        v2["schema"] = new JsonObject { ["openAPIV3Schema"] = JsonNode.Parse("""{"type":"object","properties":{"metadata":{"type":"object","description":"x"}}}""") };
        versions.Add(v2);
        var v3 = versions[0]!.DeepClone().AsObject();
        v3["name"] = "v3";
        v3["storage"] = false;
        v3.Remove("schema");
        versions.Add(v3);

        Assert.Equal(
            ["spec.versions[1].schema.openAPIV3Schema.properties[metadata]: " + ImplicitMetadata, "spec.versions[2].schema.openAPIV3Schema: Required value"],
            Errors(crd));
    }

    [Fact]
    public async Task Kubectl_apply_of_a_crd_with_a_described_root_metadata_fails_like_on_a_real_cluster()
    {
        Assert.SkipUnless(Kubectl.Available, "kubectl is not on the PATH");
        await using var h = await EmulatorHarness.StartAsync();
        var file = Path.Combine(h.Dir, "crd.yaml");
        await File.WriteAllTextAsync(file, """
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata:
              name: things.example.io
            spec:
              group: example.io
              scope: Namespaced
              names:
                kind: Thing
                plural: things
              versions:
              - name: v1
                served: true
                storage: true
                schema:
                  openAPIV3Schema:
                    type: object
                    properties:
                      metadata:
                        type: object
                        description: Standard object metadata.
                      spec:
                        type: object
            """, TestContext.Current.CancellationToken);

        var refused = await h.Kubectl.TryAsync($"apply -f {file}");

        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains($"The CustomResourceDefinition \"things.example.io\" is invalid: {Root}.properties[metadata]: {ImplicitMetadata}", refused.StdErr);
        Assert.Null(h.Emulator.GetObject("apiextensions.k8s.io", "customresourcedefinitions", null, "things.example.io"));
    }

    public static TheoryData<string> RepositoryCrds()
    {
        var data = new TheoryData<string>();
        var root = RepositoryRoot.Path;
        foreach (var dir in new[] { "crds", "charts/serverpower-operator/crds", "config/crd/bases" })
        {
            foreach (var file in Directory.GetFiles(Path.Combine(root, dir), "*.yaml").Order())
            {
                data.Add(Path.GetRelativePath(root, file));
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(RepositoryCrds))]
    public void Every_crd_in_the_repository_passes_the_checks(string file)
    {
        foreach (var crd in Load(file))
        {
            Assert.Empty(Errors(crd));
            CrdInstaller.Admit(crd, null, "2026-01-01T00:00:00Z");
        }
    }

    [Theory]
    [MemberData(nameof(RepositoryCrds))]
    public void A_repository_crd_with_a_description_back_on_root_metadata_is_refused(string file)
    {
        foreach (var crd in Load(file))
        {
            var metadata = crd["spec"]!["versions"]![0]!["schema"]!["openAPIV3Schema"]!["properties"]!["metadata"]!.AsObject();
            metadata["description"] = "Standard object metadata.";

            Assert.Contains($"{Root}.properties[metadata]: {ImplicitMetadata}", Errors(crd));
            var refused = Assert.Throws<KubeApiException>(() => CrdInstaller.Admit(crd, null, "2026-01-01T00:00:00Z"));
            Assert.Equal(422, refused.Code);
        }
    }

    private static IReadOnlyList<JsonObject> Load(string file)
    {
        var crds = YamlJson.ParseDocuments(File.ReadAllText(Path.Combine(RepositoryRoot.Path, file)))
            .Where(d => (string?)d["kind"] == "CustomResourceDefinition").ToList();
        Assert.NotEmpty(crds);
        return crds;
    }
}
