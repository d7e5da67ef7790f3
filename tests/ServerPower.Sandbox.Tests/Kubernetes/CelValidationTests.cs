using System.Net;
using System.Text.Json.Nodes;
using ServerPower.Sandbox.Kubernetes.Api;
using ServerPower.Sandbox.Kubernetes.Schema;

namespace ServerPower.Sandbox.Tests.Kubernetes;

/// <summary>
/// x-kubernetes-validations in the emulator: the CEL engine covers what rules use, every rule of the project's
/// CRDs refuses and admits as written, transition rules see oldSelf only on update, and what the emulator cannot
/// compile or evaluate is refused loudly instead of let through.
/// </summary>
public sealed class CelValidationTests(CelValidationTests.Emulator emulator) : IClassFixture<CelValidationTests.Emulator>
{
    /// <summary>One emulator for the class, with the project's CRDs and a test CRD full of rules installed.</summary>
    public sealed class Emulator : IAsyncLifetime
    {
        private int names;

        public EmulatorHarness Harness { get; private set; } = null!;

        public string NextName(string prefix) => $"{prefix}-{Interlocked.Increment(ref names)}";

        public async ValueTask InitializeAsync()
        {
            Harness = await EmulatorHarness.StartAsync();
            foreach (var file in Directory.GetFiles(RepositoryRoot.Combine("crds"), "*.yaml"))
            {
                var reply = await Harness.SendAsync(HttpMethod.Post, Crds, YamlJson.ParseDocuments(await File.ReadAllTextAsync(file))[0]);
                Assert.True(reply.Status == HttpStatusCode.Created, $"{Path.GetFileName(file)}: {reply.Body}");
            }
            var gadgets = await Harness.SendAsync(HttpMethod.Post, Crds, Crd("gadgets", GadgetSchema));
            Assert.True(gadgets.Status == HttpStatusCode.Created, gadgets.Body?.ToJsonString());
        }

        public async ValueTask DisposeAsync() => await Harness.DisposeAsync();
    }

    private const string Crds = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";
    private const string Group = "cel.test.io";
    private const string Gadgets = "/apis/cel.test.io/v1/namespaces/default/gadgets";

    private EmulatorHarness H => emulator.Harness;

    // ---- The engine covers what rules use ----------------------------------------------------------------

    private static readonly JsonObject SpikeSchema = JsonNode.Parse("""
        {"type": "object", "properties": {
          "type": {"type": "string"}, "endpoint": {"type": "string"}, "absent": {"type": "string"}, "empty": {"type": "string"},
          "n": {"type": "integer"}, "ratio": {"type": "number"}, "flag": {"type": "boolean"},
          "time": {"type": "string", "format": "date-time"},
          "tags": {"type": "array", "items": {"type": "string"}},
          "labels": {"type": "object", "additionalProperties": {"type": "string"}},
          "items": {"type": "array", "items": {"type": "object", "properties": {"name": {"type": "string"}, "weight": {"type": "integer"}}}}
        }}
        """)!.AsObject();

    private static readonly JsonObject SpikeSelf = JsonNode.Parse("""
        {"type": "Wings", "endpoint": "https://node1.example.com:8080", "empty": "", "n": 3, "ratio": 5, "flag": false,
         "time": "2024-05-01T10:00:00Z", "tags": ["a", "b"], "labels": {"env": "prod", "team": "ops"},
         "items": [{"name": "a", "weight": 1}, {"name": "b", "weight": 2}]}
        """)!.AsObject();

    private static readonly JsonObject SpikeOldSelf = JsonNode.Parse("""{"type": "Heo", "n": 5, "ratio": 5, "tags": [], "labels": {}, "items": []}""")!.AsObject();

    [Theory]
    // has(): presence, as Kubernetes (an empty string or false is present)
    [InlineData("has(self.endpoint)", true)]
    [InlineData("has(self.absent)", false)]
    [InlineData("has(self.empty) && has(self.flag)", true)]
    [InlineData("has(self.labels.env) && !has(self.labels.owner)", true)]
    // size()
    [InlineData("size(self.tags) == 2 && self.tags.size() == 2", true)]
    [InlineData("size(self.type) == 5 && size(self.labels) == 2", true)]
    [InlineData("'héllo'.size() == 5", true)]
    // strings
    [InlineData("self.type.startsWith('Wi') && self.type.endsWith('gs') && self.type.contains('in')", true)]
    [InlineData("self.type.matches('^W[a-z]+s$') && self.endpoint.matches('^https?://')", true)]
    [InlineData("self.type.matches('^Heo$')", false)]
    // in, ternary, arithmetic, numbers typed by the schema
    [InlineData("self.type in ['PterodactylPanel', 'Wings']", true)]
    [InlineData("!(self.type in ['Heo'])", true)]
    [InlineData("(self.n > 2 ? 'big' : 'small') == 'big'", true)]
    [InlineData("self.n + 1 == 4 && self.n % 2 == 1", true)]
    [InlineData("self.ratio == 5.0 && self.ratio > 4.5 && type(self.ratio) == double && type(self.n) == int", true)]
    // lists and maps
    [InlineData("self.tags.all(t, t.size() == 1)", true)]
    [InlineData("self.tags.exists(t, t == 'b') && self.tags.exists_one(t, t == 'a')", true)]
    [InlineData("self.tags.all(t, t == 'a')", false)]
    [InlineData("self.items.filter(i, i.weight > 1).size() == 1 && self.items.map(i, i.name) == ['a', 'b']", true)]
    [InlineData("self.items.all(i, i.weight > 0 && i.name.size() == 1)", true)]
    [InlineData("'env' in self.labels && self.labels.env == 'prod' && self.labels['team'] == 'ops'", true)]
    [InlineData("self.labels.all(k, k.size() >= 3) && self.labels.exists(k, self.labels[k] == 'ops')", true)]
    // timestamps (format: date-time) and durations
    [InlineData("self.time < timestamp('2030-01-01T00:00:00Z') && duration('1h') > duration('30m')", true)]
    // oldSelf
    [InlineData("self.n >= oldSelf.n", false)]
    [InlineData("oldSelf.type == 'Heo' && self.type != oldSelf.type", true)]
    // Kubernetes' strings and regex libraries
    [InlineData("self.type.lowerAscii() == 'wings' && self.type.upperAscii() == 'WINGS' && '  x '.trim() == 'x'", true)]
    [InlineData("'a,b,c'.split(',') == ['a', 'b', 'c'] && 'a,b,c'.split(',', 2) == ['a', 'b,c'] && ['a', 'b'].join('-') == 'a-b'", true)]
    [InlineData("'hello'.indexOf('l') == 2 && 'hello'.lastIndexOf('l') == 3 && 'hello'.indexOf('z') == -1", true)]
    [InlineData("'hello'.substring(1, 3) == 'el' && 'hello'.substring(3) == 'lo' && 'hello'.charAt(1) == 'e'", true)]
    [InlineData("'a.b.c'.replace('.', '/') == 'a/b/c' && 'a.b.c'.replace('.', '/', 1) == 'a/b.c'", true)]
    [InlineData("'abc123def'.find('[0-9]+') == '123' && 'a1b22'.findAll('[0-9]+') == ['1', '22'] && 'abc'.find('[0-9]') == ''", true)]
    public void The_engine_covers_what_rules_use(string expression, bool expected)
    {
        var compiled = CelCompiler.Compile(expression, SpikeSchema, SpikeSchema);
        Assert.True(compiled.Program is not null, compiled.Error);

        var result = compiled.Program.Run(new Dictionary<string, object?>
        {
            ["self"] = CelValues.From(SpikeSelf, SpikeSchema),
            ["oldSelf"] = CelValues.From(SpikeOldSelf, SpikeSchema),
        });

        Assert.Equal(expected, result);
    }

    [Theory]
    [InlineData("self.nope == 1", "ERROR: <input>:1:5: undefined field 'nope'\n | self.nope == 1\n | ....^")]
    [InlineData("self.type == ", "ERROR: <input>:1:14: Syntax error: mismatched input '<EOF>'")]
    [InlineData("self.type == 'x' #", "ERROR: <input>:1:18: Syntax error: token recognition error at: '#'")]
    [InlineData("isURL(self.endpoint)", "undeclared reference to 'isURL' (in container ''): a function of Kubernetes' CEL libraries that the sandbox emulator does not implement")]
    [InlineData("self.endpoint.frobnicate()", "undeclared reference to 'frobnicate' (in container '')")]
    [InlineData("quantity('1Gi').isGreaterThan(quantity('1Mi'))", "undeclared reference to 'quantity'")]
    [InlineData("self.tags.all(t, u == 'a')", "undeclared reference to 'u' (in container '')")]
    [InlineData("has(self)", "invalid argument to has() macro")]
    [InlineData("self.type.startsWith()", "found no matching overload for 'startsWith' with 0 argument(s)")]
    [InlineData("self.?endpoint == 'x'", "optional field selection (.?) is not supported by the sandbox emulator")]
    [InlineData("self.n.size == 1", "type 'integer' does not support field selection")]
    [InlineData("self.items.all(i, i.weigth > 0)", "undefined field 'weigth'")]
    [InlineData("Foo{a: 1} == self", "undeclared reference to 'Foo'")]
    [InlineData("self.type == '\\q'", "Syntax error:")]
    [InlineData("self.type.decimal() == 1", "undeclared reference to 'decimal'")]
    public void What_cannot_be_compiled_is_an_error(string expression, string expected)
    {
        var compiled = CelCompiler.Compile(expression, SpikeSchema, SpikeSchema);

        Assert.Null(compiled.Program);
        Assert.Contains(expected, compiled.Error);
    }

    // ---- Every rule of the project's CRDs, both ways -------------------------------------------------------

    private const string EndpointRequired = "endpoint is required for type PterodactylPanel (the panel's URL) and Wings (the node's URL)";
    private const string ReassertOnlyHeo = "reassertInterval applies only to type Heo, which cannot report power state";
    private const string CaBundleSelfHosted = "caBundleSecretRef applies only to self-hosted providers: type PterodactylPanel or Wings";
    private const string StopNeedsManage = "deletionPolicy Stop needs managementPolicy Manage: an observed server is never stopped";
    private const string ScheduledNeedsRef = "state Scheduled needs scheduleRef, and scheduleRef is only allowed with state Scheduled";
    private const string ProbeOneOf = "readinessProbe needs exactly one of tcpSocket and httpGet";
    private const string GraceBound = "gracePeriod must be at most 8760h (365 days)";
    private const string ReassertBound = "reassertInterval must be more than 0s and at most 8760h (365 days)";
    private const string IdleNeedsActivity = "autoStop.idleAfter needs autoStop.activity";
    private const string ActivityOneOf = "autoStop.activity needs exactly one of minecraft, a2s and httpGet";
    private const string IdleBound = "autoStop.idleAfter must be from 10s to 8760h (365 days)";
    private const string RuntimeBound = "autoStop.maxRuntime must be from 10s to 8760h (365 days)";
    private const string GraceStartBound = "autoStop.startupGrace must be at most 8760h (365 days)";
    private const string WarningBound = "warning.before must be more than 0s and at most 1h";
    private const string Minecraft = "\"activity\": {\"minecraft\": {\"host\": \"mc.example.com\", \"port\": 25565}}";
    private const string A2s = "\"a2s\": {\"host\": \"cs.example.com\", \"port\": 27015}";
    private const string HttpGet = "\"httpGet\": {\"url\": \"https://game.example.com/status\", \"jsonPath\": \".players\"}";

    private const string Token = "\"credentialsSecretRef\": {\"name\": \"token\", \"key\": \"token\"}";
    private const string CaBundle = "\"caBundleSecretRef\": {\"name\": \"ca\", \"key\": \"ca.crt\"}";
    private const string Provider = "\"providerRef\": {\"name\": \"p1\"}, \"serverId\": \"1234\"";
    private const string ScheduleRef = "\"scheduleRef\": {\"name\": \"office-hours\"}";

    /// <summary>kind, the rule's message, the spec, and whether that rule refuses it.</summary>
    public static TheoryData<string, string, string, bool> ProjectCases => new()
    {
        { "PowerProvider", EndpointRequired, $$"""{"type": "Wings", "endpoint": "https://node1.example.com:8080", {{Token}}}""", false },
        { "PowerProvider", EndpointRequired, $$"""{"type": "Wenium", {{Token}}}""", false },
        { "PowerProvider", EndpointRequired, $$"""{"type": "Wings", {{Token}}}""", true },
        { "PowerProvider", EndpointRequired, $$"""{"type": "PterodactylPanel", {{Token}}}""", true },
        { "PowerProvider", ReassertOnlyHeo, $$"""{"type": "Heo", "reassertInterval": "1h", {{Token}}}""", false },
        { "PowerProvider", ReassertOnlyHeo, $$"""{"type": "Wenium", "reassertInterval": "1h", {{Token}}}""", true },
        { "PowerProvider", CaBundleSelfHosted, $$"""{"type": "PterodactylPanel", "endpoint": "https://panel.example.com", {{Token}}, {{CaBundle}}}""", false },
        { "PowerProvider", CaBundleSelfHosted, $$"""{"type": "Heo", {{Token}}, {{CaBundle}}}""", true },
        { "ServerPower", StopNeedsManage, $$"""{{{Provider}}, "managementPolicy": "Manage", "deletionPolicy": "Stop"}""", false },
        { "ServerPower", StopNeedsManage, $$"""{{{Provider}}, "managementPolicy": "Observe", "deletionPolicy": "Orphan"}""", false },
        { "ServerPower", StopNeedsManage, $$"""{{{Provider}}, "managementPolicy": "Observe", "deletionPolicy": "Stop"}""", true },
        { "ServerPower", ScheduledNeedsRef, $$"""{{{Provider}}, "state": "Scheduled", {{ScheduleRef}}}""", false },
        { "ServerPower", ScheduledNeedsRef, $$"""{{{Provider}}}""", false },
        { "ServerPower", ScheduledNeedsRef, $$"""{{{Provider}}, "state": "Scheduled"}""", true },
        { "ServerPower", ScheduledNeedsRef, $$"""{{{Provider}}, "state": "Running", {{ScheduleRef}}}""", true },
        { "ServerPower", ProbeOneOf, "{" + Provider + ", \"readinessProbe\": {\"tcpSocket\": {\"host\": \"mc.example.com\", \"port\": 25565}}, \"startAfter\": [\"db\", \"cache\"]}", false },
        { "ServerPower", ProbeOneOf, "{" + Provider + ", \"readinessProbe\": {\"httpGet\": {\"url\": \"https://web.example.com/health\"}, \"periodSeconds\": 5}}", false },
        { "ServerPower", ProbeOneOf, "{" + Provider + ", \"readinessProbe\": {\"periodSeconds\": 5}}", true },
        { "ServerPower", ProbeOneOf, "{" + Provider + ", \"readinessProbe\": {\"tcpSocket\": {\"host\": \"a\", \"port\": 1}, \"httpGet\": {\"url\": \"https://a/\"}}}", true },
        { "ServerPower", GraceBound, "{" + Provider + ", \"stop\": {\"gracePeriod\": \"8760h\"}}", false },
        { "ServerPower", GraceBound, "{" + Provider + ", \"stop\": {\"gracePeriod\": \"8759h59m59.999s\"}}", false },
        { "ServerPower", GraceBound, "{" + Provider + ", \"stop\": {\"gracePeriod\": \"0s\"}}", false },
        { "ServerPower", GraceBound, "{" + Provider + ", \"stop\": {\"gracePeriod\": \"8761h\"}}", true },
        { "ServerPower", GraceBound, "{" + Provider + ", \"stop\": {\"gracePeriod\": \"525600m1s\"}}", true },
        { "PowerProvider", ReassertBound, $$"""{"type": "Heo", "reassertInterval": "8760h", {{Token}}}""", false },
        { "PowerProvider", ReassertBound, $$"""{"type": "Heo", "reassertInterval": "250ms", {{Token}}}""", false },
        { "PowerProvider", ReassertBound, $$"""{"type": "Heo", "reassertInterval": "0s", {{Token}}}""", true },
        { "PowerProvider", ReassertBound, $$"""{"type": "Heo", "reassertInterval": "8760h1ms", {{Token}}}""", true },
        { "ServerPower", IdleNeedsActivity, "{" + Provider + ", \"autoStop\": {\"idleAfter\": \"30m\", " + Minecraft + "}}", false },
        { "ServerPower", IdleNeedsActivity, "{" + Provider + ", \"autoStop\": {\"maxRuntime\": \"12h\"}}", false },
        { "ServerPower", IdleNeedsActivity, "{" + Provider + ", \"autoStop\": {\"idleAfter\": \"30m\"}}", true },
        { "ServerPower", ActivityOneOf, "{" + Provider + ", \"autoStop\": {\"activity\": {" + A2s + "}}}", false },
        { "ServerPower", ActivityOneOf, "{" + Provider + ", \"autoStop\": {\"activity\": {" + HttpGet + "}}}", false },
        { "ServerPower", ActivityOneOf, "{" + Provider + ", \"autoStop\": {\"activity\": {}}}", true },
        { "ServerPower", ActivityOneOf, "{" + Provider + ", \"autoStop\": {\"activity\": {" + A2s + ", " + HttpGet + "}}}", true },
        { "ServerPower", IdleBound, "{" + Provider + ", \"autoStop\": {\"idleAfter\": \"10s\", " + Minecraft + "}}", false },
        { "ServerPower", IdleBound, "{" + Provider + ", \"autoStop\": {\"idleAfter\": \"8760h\", " + Minecraft + "}}", false },
        { "ServerPower", IdleBound, "{" + Provider + ", \"autoStop\": {\"idleAfter\": \"9s\", " + Minecraft + "}}", true },
        { "ServerPower", IdleBound, "{" + Provider + ", \"autoStop\": {\"idleAfter\": \"8760h1ms\", " + Minecraft + "}}", true },
        { "ServerPower", RuntimeBound, "{" + Provider + ", \"autoStop\": {\"maxRuntime\": \"10s\"}}", false },
        { "ServerPower", RuntimeBound, "{" + Provider + ", \"autoStop\": {\"maxRuntime\": \"9999ms\"}}", true },
        { "ServerPower", RuntimeBound, "{" + Provider + ", \"autoStop\": {\"maxRuntime\": \"8761h\"}}", true },
        { "ServerPower", GraceStartBound, "{" + Provider + ", \"autoStop\": {\"startupGrace\": \"0s\", \"maxRuntime\": \"1h\"}}", false },
        { "ServerPower", GraceStartBound, "{" + Provider + ", \"autoStop\": {\"startupGrace\": \"8761h\", \"maxRuntime\": \"1h\"}}", true },
        { "ServerPower", WarningBound, "{" + Provider + ", \"stop\": {\"warning\": {\"before\": \"1h\", \"command\": \"say bye\"}}}", false },
        { "ServerPower", WarningBound, "{" + Provider + ", \"stop\": {\"warning\": {\"before\": \"1ms\", \"command\": \"say bye\"}}}", false },
        { "ServerPower", WarningBound, "{" + Provider + ", \"stop\": {\"warning\": {\"before\": \"0s\", \"command\": \"say bye\"}}}", true },
        { "ServerPower", WarningBound, "{" + Provider + ", \"stop\": {\"warning\": {\"before\": \"61m\", \"command\": \"say bye\"}}}", true },
    };

    /// <summary>Where each rule sits, and the type Kubernetes names in its message.</summary>
    private static (string Field, string Type) Placed(string message) => message switch
    {
        ProbeOneOf => ("spec.readinessProbe", "object"),
        GraceBound => ("spec.stop.gracePeriod", "string"),
        ReassertBound => ("spec.reassertInterval", "string"),
        IdleNeedsActivity => ("spec.autoStop", "object"),
        ActivityOneOf => ("spec.autoStop.activity", "object"),
        IdleBound => ("spec.autoStop.idleAfter", "string"),
        RuntimeBound => ("spec.autoStop.maxRuntime", "string"),
        GraceStartBound => ("spec.autoStop.startupGrace", "string"),
        WarningBound => ("spec.stop.warning.before", "string"),
        _ => ("spec", "object"),
    };

    /// <summary>Values past what Go's durations hold (the CEL duration() cannot read them) are refused too (issue 20).</summary>
    [Theory]
    [InlineData("ServerPower", "{" + Provider + ", \"stop\": {\"gracePeriod\": \"999999999h\"}}")]
    [InlineData("ServerPower", "{" + Provider + ", \"stop\": {\"gracePeriod\": \"99999999999999999999s\"}}")]
    [InlineData("PowerProvider", $$"""{"type": "Heo", "reassertInterval": "999999999h", {{Token}}}""")]
    [InlineData("PowerProvider", $$"""{"type": "Heo", "reassertInterval": "10000000000000000000000000000000000000000000000000000000000000000000000h", {{Token}}}""")]
    public async Task A_duration_past_the_bound_is_refused_whatever_its_size(string kind, string spec)
    {
        var plural = kind.ToLowerInvariant() + "s";
        var body = new JsonObject
        {
            ["apiVersion"] = "power.serverops.io/v1alpha1", ["kind"] = kind,
            ["metadata"] = new JsonObject { ["name"] = emulator.NextName(plural) }, ["spec"] = JsonNode.Parse(spec),
        };

        var reply = await H.SendAsync(HttpMethod.Post, $"/apis/power.serverops.io/v1alpha1/namespaces/default/{plural}", body);

        Assert.True(reply.Status == HttpStatusCode.UnprocessableEntity, reply.Body?.ToJsonString());
    }

    [Theory, MemberData(nameof(ProjectCases))]
    public async Task Each_project_rule_admits_and_refuses_as_written(string kind, string message, string spec, bool refused)
    {
        var plural = kind.ToLowerInvariant() + "s";
        var name = emulator.NextName(plural);
        var body = new JsonObject
        {
            ["apiVersion"] = "power.serverops.io/v1alpha1",
            ["kind"] = kind,
            ["metadata"] = new JsonObject { ["name"] = name },
            ["spec"] = JsonNode.Parse(spec),
        };

        var reply = await H.SendAsync(HttpMethod.Post, $"/apis/power.serverops.io/v1alpha1/namespaces/default/{plural}", body);

        var (field, type) = Placed(message);
        if (refused)
        {
            Assert.Equal(HttpStatusCode.UnprocessableEntity, reply.Status);
            Assert.Equal($"{kind}.power.serverops.io \"{name}\" is invalid: {field}: Invalid value: \"{type}\": {message}", (string?)reply.Body!["message"]);
            var cause = Assert.Single(reply.Body["details"]!["causes"]!.AsArray());
            Assert.Equal("FieldValueInvalid", (string?)cause!["reason"]);
            Assert.Equal(field, (string?)cause["field"]);
        }
        else
        {
            Assert.True(reply.Status == HttpStatusCode.Created, reply.Body?.ToJsonString());
        }
    }

    [Fact]
    public void The_cases_cover_every_rule_in_the_project_crds_both_ways()
    {
        var rules = Directory.GetFiles(RepositoryRoot.Combine("crds"), "*.yaml")
            .Select(f => YamlJson.ParseDocuments(File.ReadAllText(f))[0])
            .SelectMany(crd => Rules(crd["spec"]!["versions"]![0]!["schema"]!["openAPIV3Schema"]!)
                .Select(r => (Kind: (string)crd["spec"]!["names"]!["kind"]!, Message: (string)r["message"]!)))
            .ToList();
        var cases = ProjectCases.Select(row => (Kind: (string)row.Data.Item1, Message: row.Data.Item2, Refused: row.Data.Item4)).ToList();

        Assert.Equal(14, rules.Count);
        foreach (var (kind, message) in rules)
        {
            Assert.Contains(cases, c => c.Kind == kind && c.Message == message && c.Refused);
            Assert.Contains(cases, c => c.Kind == kind && c.Message == message && !c.Refused);
        }
    }

    private static IEnumerable<JsonObject> Rules(JsonNode schema) =>
        (schema["x-kubernetes-validations"] as JsonArray ?? []).OfType<JsonObject>()
            .Concat((schema["properties"] as JsonObject ?? []).SelectMany(p => Rules(p.Value!)))
            .Concat(schema["items"] is JsonObject items ? Rules(items) : [])
            .Concat(schema["additionalProperties"] is JsonObject map ? Rules(map) : []);

    // ---- Transition rules, reasons, fieldPath, messageExpression, evaluation errors -----------------------

    private static readonly JsonObject GadgetSchema = JsonNode.Parse("""
        {"type": "object",
         "x-kubernetes-validations": [{"rule": "self.metadata.name.size() <= 20 && self.kind == 'Gadget'", "message": "the name is too long for a gadget"}],
         "properties": {
          "spec": {"type": "object",
           "x-kubernetes-validations": [
             {"rule": "self.size >= oldSelf.size", "message": "size may not shrink"},
             {"rule": "self.size <= 100", "message": "size is too big", "messageExpression": "'size ' + string(self.size) + ' is above 100'"},
             {"rule": "self.size != 50", "message": "size may not be 50", "messageExpression": "'size ' + string(self.size / 0)"},
             {"rule": "!has(self.note) || has(self.owner)", "fieldPath": ".owner", "reason": "FieldValueRequired", "message": "a note needs an owner"},
             {"rule": "!has(self.note) || !has(self.owner) || self.note.startsWith(self.owner.name + ':')"},
             {"rule": "!has(self.ratio) || self.size / self.ratio < 10", "message": "ratio too small"}
           ],
           "properties": {
            "size": {"type": "integer"},
            "ratio": {"type": "integer"},
            "note": {"type": "string"},
            "owner": {"type": "object", "properties": {"name": {"type": "string"}}},
            "id": {"type": "string", "x-kubernetes-validations": [{"rule": "self == oldSelf", "message": "id is immutable"}]},
            "limit": {"type": "integer", "x-kubernetes-validations": [{"rule": "self < 10", "reason": "FieldValueForbidden", "message": "limit must stay below 10"}]},
            "entries": {"type": "array", "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["name"],
             "items": {"type": "object", "required": ["name"],
              "properties": {"name": {"type": "string"}, "weight": {"type": "integer"}},
              "x-kubernetes-validations": [{"rule": "self.weight >= oldSelf.weight", "message": "an entry's weight may not drop"}]}}
           }},
          "status": {"type": "object", "properties": {"phase": {"type": "string"}}}
         }}
        """)!.AsObject();

    private async Task<JsonObject> CreateGadgetAsync(string name, string spec)
    {
        var reply = await H.SendAsync(HttpMethod.Post, Gadgets, Gadget(name, spec));
        Assert.True(reply.Status == HttpStatusCode.Created, reply.Body?.ToJsonString());
        return reply.Body!.AsObject();
    }

    private async Task<EmulatorHarness.Reply> UpdateSpecAsync(JsonObject current, string spec)
    {
        var updated = current.DeepClone().AsObject();
        updated["spec"] = JsonNode.Parse(spec);
        return await H.SendAsync(HttpMethod.Put, $"{Gadgets}/{current["metadata"]!["name"]}", updated);
    }

    private static string Refusal(EmulatorHarness.Reply reply)
    {
        Assert.Equal(HttpStatusCode.UnprocessableEntity, reply.Status);
        return (string)reply.Body!["message"]!;
    }

    [Fact]
    public async Task Transition_rules_run_on_update_against_oldSelf_and_are_skipped_on_create()
    {
        var name = emulator.NextName("g");
        // size 0 would shrink nothing: there is no old object on create, so "size may not shrink" is not run.
        var created = await CreateGadgetAsync(name, """{"size": 5, "id": "a", "entries": [{"name": "x", "weight": 3}]}""");

        Assert.Equal($"Gadget.cel.test.io \"{name}\" is invalid: spec: Invalid value: \"object\": size may not shrink",
            Refusal(await UpdateSpecAsync(created, """{"size": 4, "id": "a", "entries": [{"name": "x", "weight": 3}]}""")));
        Assert.Equal($"Gadget.cel.test.io \"{name}\" is invalid: spec.id: Invalid value: \"string\": id is immutable",
            Refusal(await UpdateSpecAsync(created, """{"size": 5, "id": "b", "entries": [{"name": "x", "weight": 3}]}""")));
        Assert.Equal($"Gadget.cel.test.io \"{name}\" is invalid: spec.entries[1]: Invalid value: \"object\": an entry's weight may not drop",
            Refusal(await UpdateSpecAsync(created, """{"size": 5, "id": "a", "entries": [{"name": "y", "weight": 0}, {"name": "x", "weight": 2}]}""")));

        // Items are correlated by their map key, so a new item (y) has no oldSelf and a kept one (x) may grow.
        var grown = await UpdateSpecAsync(created, """{"size": 6, "id": "a", "entries": [{"name": "y", "weight": 0}, {"name": "x", "weight": 4}]}""");
        Assert.True(grown.Status == HttpStatusCode.OK, grown.Body?.ToJsonString());

        // A status write validates the whole object; the unchanged spec satisfies its transition rules.
        var status = grown.Body!.DeepClone().AsObject();
        status["status"] = new JsonObject { ["phase"] = "Ready" };
        Assert.Equal(HttpStatusCode.OK, (await H.SendAsync(HttpMethod.Put, $"{Gadgets}/{name}/status", status)).Status);

        // A field absent from the old object has no oldSelf: the rule on it does not run.
        var withoutId = await CreateGadgetAsync(emulator.NextName("g"), """{"size": 1}""");
        Assert.Equal(HttpStatusCode.OK, (await UpdateSpecAsync(withoutId, """{"size": 1, "id": "new"}""")).Status);
    }

    [Fact]
    public async Task Reasons_fieldPath_and_messageExpression_shape_the_error()
    {
        var forbidden = await H.SendAsync(HttpMethod.Post, Gadgets, Gadget("reason-1", """{"size": 1, "limit": 10}"""));
        Assert.Equal("Gadget.cel.test.io \"reason-1\" is invalid: spec.limit: Forbidden: limit must stay below 10", Refusal(forbidden));
        Assert.Equal("FieldValueForbidden", (string?)forbidden.Body!["details"]!["causes"]![0]!["reason"]);

        var required = await H.SendAsync(HttpMethod.Post, Gadgets, Gadget("reason-2", """{"size": 1, "note": "hello"}"""));
        Assert.Equal("Gadget.cel.test.io \"reason-2\" is invalid: spec.owner: Required value: a note needs an owner", Refusal(required));

        var expression = await H.SendAsync(HttpMethod.Post, Gadgets, Gadget("reason-3", """{"size": 101}"""));
        Assert.Equal("Gadget.cel.test.io \"reason-3\" is invalid: spec: Invalid value: \"object\": size 101 is above 100", Refusal(expression));

        // A messageExpression that fails to evaluate falls back to the message.
        var fallback = await H.SendAsync(HttpMethod.Post, Gadgets, Gadget("reason-4", """{"size": 50}"""));
        Assert.Equal("Gadget.cel.test.io \"reason-4\" is invalid: spec: Invalid value: \"object\": size may not be 50", Refusal(fallback));

        // A rule on the root has no field path, which kube-apiserver prints as <nil>.
        var root = await H.SendAsync(HttpMethod.Post, Gadgets, Gadget("a-name-much-longer-than-twenty", """{"size": 1}"""));
        Assert.Equal("Gadget.cel.test.io \"a-name-much-longer-than-twenty\" is invalid: <nil>: Invalid value: \"object\": the name is too long for a gadget", Refusal(root));
    }

    [Fact]
    public async Task A_rule_that_fails_to_evaluate_refuses_the_write_and_names_the_error()
    {
        var missing = await H.SendAsync(HttpMethod.Post, Gadgets, Gadget("eval-1", """{"size": 1, "note": "hello", "owner": {}}"""));
        Assert.Equal("Gadget.cel.test.io \"eval-1\" is invalid: spec: Invalid value: \"object\": no such key: name evaluating rule: !has(self.note) || !has(self.owner) || self.note.startsWith(self.owner.name + ':')",
            Refusal(missing));

        var division = await H.SendAsync(HttpMethod.Post, Gadgets, Gadget("eval-2", """{"size": 1, "ratio": 0}"""));
        Assert.Equal("Gadget.cel.test.io \"eval-2\" is invalid: spec: Invalid value: \"object\": division by zero evaluating rule: ratio too small",
            Refusal(division));

        Assert.Equal(HttpStatusCode.Created, (await H.SendAsync(HttpMethod.Post, Gadgets, Gadget("eval-3", """{"size": 1, "note": "ann: hi", "owner": {"name": "ann"}}"""))).Status);
    }

    [Fact]
    public async Task Rules_are_not_run_while_the_object_has_blocking_errors()
    {
        var reply = await H.SendAsync(HttpMethod.Post, Gadgets, Gadget("blocked", """{"size": "big", "limit": 10}"""));

        Assert.Equal("Gadget.cel.test.io \"blocked\" is invalid: [spec.size: Invalid value: \"string\": spec.size in body must be of type integer: \"string\", " +
                     "<nil>: Invalid value: \"null\": some validation rules were not checked because the object was invalid; correct the existing errors to complete validation]",
            Refusal(reply));
    }

    // ---- CRDs whose rules cannot be compiled are refused --------------------------------------------------

    [Theory]
    [InlineData("""{"rule": "self.size >"}""", ".rule", "compilation failed: ERROR: <input>:1:12: Syntax error: mismatched input '<EOF>'")]
    [InlineData("""{"rule": "self.sise > 1", "message": "typo"}""", ".rule", "compilation failed: ERROR: <input>:1:5: undefined field 'sise'\n | self.sise > 1\n | ....^")]
    [InlineData("""{"rule": "isURL(self.url)"}""", ".rule", "compilation failed: ERROR: <input>:1:1: undeclared reference to 'isURL' (in container ''): a function of Kubernetes' CEL libraries that the sandbox emulator does not implement")]
    [InlineData("""{"rule": "self.url.frobnicate()"}""", ".rule", "compilation failed: ERROR: <input>:1:10: undeclared reference to 'frobnicate' (in container '')")]
    [InlineData("""{"rule": "self.size > 1", "messageExpression": "'size ' + sizeText(self.size)"}""", ".messageExpression", "messageExpression compilation failed: ERROR: <input>:1:11: undeclared reference to 'sizeText'")]
    [InlineData("""{"rule": "self.size > 1", "reason": "FieldValueBroken"}""", ".reason", "Unsupported value: \"FieldValueBroken\": supported values: \"FieldValueDuplicate\", \"FieldValueForbidden\", \"FieldValueInvalid\", \"FieldValueRequired\"")]
    [InlineData("""{"rule": "self.size > 1", "fieldPath": ".nothing"}""", ".fieldPath", "Invalid value: \".nothing\": fieldPath must be a valid path")]
    [InlineData("""{"rule": "self.size > oldSelf.size", "optionalOldSelf": true}""", ".optionalOldSelf", "optionalOldSelf is not supported by the sandbox emulator")]
    public async Task A_crd_with_a_rule_that_cannot_be_compiled_is_refused(string rule, string field, string expected)
    {
        var plural = emulator.NextName("broken").Replace("-", "");
        var schema = JsonNode.Parse("""
            {"type": "object", "properties": {"spec": {"type": "object",
              "properties": {"size": {"type": "integer"}, "url": {"type": "string"}}}}}
            """)!.AsObject();
        schema["properties"]!["spec"]!["x-kubernetes-validations"] = new JsonArray(JsonNode.Parse(rule));

        var reply = await H.SendAsync(HttpMethod.Post, Crds, Crd(plural, schema));

        var message = Refusal(reply);
        Assert.StartsWith($"CustomResourceDefinition.apiextensions.k8s.io \"{plural}.{Group}\" is invalid: " +
                          $"spec.versions[0].schema.openAPIV3Schema.properties[spec].x-kubernetes-validations[0]{field}: ", message);
        Assert.Contains(expected, message);
        Assert.Equal(HttpStatusCode.NotFound, (await H.SendAsync(HttpMethod.Get, $"{Crds}/{plural}.{Group}")).Status);
    }

    [Fact]
    public async Task The_refusal_prints_the_rule_as_kube_apiserver_does()
    {
        var schema = JsonNode.Parse("""
            {"type": "object", "properties": {"spec": {"type": "object", "properties": {"size": {"type": "integer"}},
              "x-kubernetes-validations": [{"rule": "self.size == \"x\" || nope", "message": "a message"}]}}}
            """)!.AsObject();

        var message = Refusal(await H.SendAsync(HttpMethod.Post, Crds, Crd("printed", schema)));

        Assert.Equal("CustomResourceDefinition.apiextensions.k8s.io \"printed.cel.test.io\" is invalid: " +
                     "spec.versions[0].schema.openAPIV3Schema.properties[spec].x-kubernetes-validations[0].rule: Invalid value: " +
                     "apiextensions.ValidationRule{Rule:\"self.size == \\\"x\\\" || nope\", Message:\"a message\", MessageExpression:\"\", " +
                     "Reason:(*apiextensions.FieldValueErrorReason)(nil), FieldPath:\"\", OptionalOldSelf:(*bool)(nil)}: " +
                     "compilation failed: ERROR: <input>:1:21: undeclared reference to 'nope' (in container '')\n" +
                     " | self.size == \"x\" || nope\n" +
                     " | ....................^",
            message);
    }

    [Fact]
    public async Task A_transition_rule_on_items_that_cannot_be_correlated_refuses_the_crd()
    {
        var schema = JsonNode.Parse("""
            {"type": "object", "properties": {"spec": {"type": "object", "properties": {"tags": {"type": "array",
              "items": {"type": "string", "x-kubernetes-validations": [{"rule": "self == oldSelf", "message": "tags are immutable"}]}}}}}}
            """)!.AsObject();

        var message = Refusal(await H.SendAsync(HttpMethod.Post, Crds, Crd("tagged", schema)));

        Assert.Equal("CustomResourceDefinition.apiextensions.k8s.io \"tagged.cel.test.io\" is invalid: " +
                     "spec.versions[0].schema.openAPIV3Schema.properties[spec].properties[tags].items.x-kubernetes-validations[0].rule: " +
                     "Invalid value: \"self == oldSelf\": oldSelf cannot be used on the uncorrelatable portion of the schema within " +
                     "spec.versions[0].schema.openAPIV3Schema.properties[spec].properties[tags].items",
            message);
    }

    // ---- Helpers -------------------------------------------------------------------------------------------

    private static JsonObject Gadget(string name, string spec) => new()
    {
        ["apiVersion"] = $"{Group}/v1",
        ["kind"] = "Gadget",
        ["metadata"] = new JsonObject { ["name"] = name },
        ["spec"] = JsonNode.Parse(spec),
    };

    private static JsonObject Crd(string plural, JsonObject schema)
    {
        var kind = char.ToUpperInvariant(plural[0]) + plural[1..^1];
        return new JsonObject
        {
            ["apiVersion"] = "apiextensions.k8s.io/v1",
            ["kind"] = "CustomResourceDefinition",
            ["metadata"] = new JsonObject { ["name"] = $"{plural}.{Group}" },
            ["spec"] = new JsonObject
            {
                ["group"] = Group,
                ["scope"] = "Namespaced",
                ["names"] = new JsonObject { ["plural"] = plural, ["kind"] = kind },
                ["versions"] = new JsonArray(new JsonObject
                {
                    ["name"] = "v1",
                    ["served"] = true,
                    ["storage"] = true,
                    ["subresources"] = new JsonObject { ["status"] = new JsonObject() },
                    ["schema"] = new JsonObject { ["openAPIV3Schema"] = schema.DeepClone() },
                }),
            },
        };
    }
}
