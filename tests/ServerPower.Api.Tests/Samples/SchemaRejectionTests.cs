using System.Text.Json.Nodes;
using ServerPower.Api.Tests.Support;
using ServerPower.Api.Vocabulary;

namespace ServerPower.Api.Tests.Samples;

/// <summary>The schema validation that accepts the samples does reject broken ones, naming the field.</summary>
public sealed class SchemaRejectionTests
{
    public static TheoryData<string, string, string, string> Cases => new()
    {
        // kind, field to break, new JSON value ("delete" removes it), expected "path: error kind"
        { ApiGroup.ServerPowerKind, "spec.state", "\"Paused\"", "#/spec.state: NotInEnumeration" },
        { ApiGroup.ServerPowerKind, "spec.state", "\"Sideways\"", "#/spec.state: NotInEnumeration" },
        { ApiGroup.ServerPowerKind, "spec.serverId", "delete", "#/spec.serverId: PropertyRequired" },
        { ApiGroup.ServerPowerKind, "spec.providerRef", "delete", "#/spec.providerRef: PropertyRequired" },
        { ApiGroup.ServerPowerKind, "spec.suspend", "\"yes\"", "#/spec.suspend: BooleanExpected" },
        { ApiGroup.ServerPowerKind, "spec.serverId", "1234", "#/spec.serverId: StringExpected" },
        { ApiGroup.ServerPowerKind, "spec.serverId", "\"\"", "#/spec.serverId: StringTooShort" },
        { ApiGroup.ServerPowerKind, "spec.serverId", "\"..\"", "#/spec.serverId: PatternMismatch" },
        { ApiGroup.ServerPowerKind, "spec.serverId", "\"1234/../x\"", "#/spec.serverId: PatternMismatch" },
        { ApiGroup.ServerPowerKind, "spec.stop", "{\"gracePeriod\": \"10 minutes\"}", "#/spec.stop.gracePeriod: PatternMismatch" },
        { ApiGroup.ServerPowerKind, "spec.rebuild", "{\"sshKeyIds\": [\"one\"]}", "#/spec.rebuild.sshKeyIds[0]: IntegerExpected" },
        { ApiGroup.ServerPowerKind, "spec.sate", "\"Running\"", "#/spec.sate: NoAdditionalPropertiesAllowed" },
        { ApiGroup.ServerPowerKind, "spec.startAfter", "[\"Not_A_Name\"]", "#/spec.startAfter[0]: PatternMismatch" },
        { ApiGroup.ServerPowerKind, "spec.readinessProbe", "{\"tcpSocket\": {\"host\": \"mc.example.com\", \"port\": 70000}}", "#/spec.readinessProbe.tcpSocket.port: NumberTooBig" },
        { ApiGroup.ServerPowerKind, "spec.readinessProbe", "{\"httpGet\": {\"url\": \"https://user:pw@web.example.com/\"}}", "#/spec.readinessProbe.httpGet.url: PatternMismatch" },
        { ApiGroup.ServerPowerKind, "spec.readinessProbe", "{\"tcpSocket\": {\"host\": \"a\", \"port\": 1}, \"periodSeconds\": 0}", "#/spec.readinessProbe.periodSeconds: NumberTooSmall" },
        { ApiGroup.ServerPowerKind, "spec.autoStop", "{\"activity\": {\"minecraft\": {\"host\": \"mc.example.com\", \"port\": 0}}}", "#/spec.autoStop.activity.minecraft.port: NumberTooSmall" },
        { ApiGroup.ServerPowerKind, "spec.autoStop", "{\"activity\": {\"a2s\": {\"host\": \"cs.example.com\", \"port\": 65536}}}", "#/spec.autoStop.activity.a2s.port: NumberTooBig" },
        { ApiGroup.ServerPowerKind, "spec.autoStop", "{\"activity\": {\"minecraft\": {\"host\": \"mc example\", \"port\": 25565}}}", "#/spec.autoStop.activity.minecraft.host: PatternMismatch" },
        { ApiGroup.ServerPowerKind, "spec.autoStop", "{\"periodSeconds\": 0}", "#/spec.autoStop.periodSeconds: NumberTooSmall" },
        { ApiGroup.ServerPowerKind, "spec.autoStop", "{\"periodSeconds\": 3601}", "#/spec.autoStop.periodSeconds: NumberTooBig" },
        { ApiGroup.ServerPowerKind, "spec.autoStop", "{\"idleAfter\": \"half an hour\"}", "#/spec.autoStop.idleAfter: PatternMismatch" },
        { ApiGroup.ServerPowerKind, "spec.autoStop", "{\"activity\": {\"httpGet\": {\"url\": \"https://x/\", \"jsonPath\": \"\"}}}", "#/spec.autoStop.activity.httpGet.jsonPath: StringTooShort" },
        { ApiGroup.ServerPowerKind, "spec.autoStop", "{\"activity\": {\"httpGet\": {\"url\": \"https://x/\", \"jsonPath\": \"" + new string('a', 257) + "\"}}}", "#/spec.autoStop.activity.httpGet.jsonPath: StringTooLong" },
        { ApiGroup.ServerPowerKind, "spec.autoStop", "{\"activity\": {\"httpGet\": {\"url\": \"https://x/" + new string('a', 2048) + "\", \"jsonPath\": \".p\"}}}", "#/spec.autoStop.activity.httpGet.url: StringTooLong" },
        { ApiGroup.ServerPowerKind, "spec.stop", "{\"warning\": {\"before\": \"5m\", \"command\": \"say a\\nstop\"}}", "#/spec.stop.warning.command: PatternMismatch" },
        { ApiGroup.ServerPowerKind, "spec.stop", "{\"warning\": {\"before\": \"5m\"}}", "#/spec.stop.warning.command: PropertyRequired" },
        { ApiGroup.PowerProviderKind, "spec.type", "\"Vultr\"", "#/spec.type: NotInEnumeration" },
        { ApiGroup.PowerProviderKind, "spec.credentialsSecretRef", "{\"name\": \"token\"}", "#/spec.credentialsSecretRef.key: PropertyRequired" },
        { ApiGroup.PowerProviderKind, "spec.maxConcurrentActions", "\"four\"", "#/spec.maxConcurrentActions: IntegerExpected" },
        { ApiGroup.PowerProviderKind, "spec.maxConcurrentActions", "65", "#/spec.maxConcurrentActions: NumberTooBig" },
        { ApiGroup.PowerProviderKind, "spec.rateLimit", "{\"requestsPerSecond\": 0}", "#/spec.rateLimit.requestsPerSecond: NumberTooSmall" },
        { ApiGroup.PowerProviderKind, "spec.rateLimit", "{\"burst\": 0}", "#/spec.rateLimit.burst: NumberTooSmall" },
        { ApiGroup.PowerProviderKind, "spec.rateLimit", "{\"requestsPerSecond\": 1000000}", "#/spec.rateLimit.requestsPerSecond: NumberTooBig" },
        { ApiGroup.PowerProviderKind, "spec.rateLimit", "{\"burst\": 1000000}", "#/spec.rateLimit.burst: NumberTooBig" },
        { ApiGroup.PowerProviderKind, "spec.endpoint", "\"ftp://files.example.com\"", "#/spec.endpoint: PatternMismatch" },
        { ApiGroup.ServerPowerKind, "spec.scheduleRef", "{}", "#/spec.scheduleRef.name: PropertyRequired" },
        { ApiGroup.PowerScheduleKind, "spec.timeZone", "\"\"", "#/spec.timeZone: StringTooShort" },
        { ApiGroup.PowerScheduleKind, "spec.running", "[{\"from\": \"8:00\", \"to\": \"18:00\"}]", "#/spec.running[0].from: PatternMismatch" },
        { ApiGroup.PowerScheduleKind, "spec.running", "[{\"from\": \"08:00\", \"to\": \"24:00\"}]", "#/spec.running[0].to: PatternMismatch" },
        { ApiGroup.PowerScheduleKind, "spec.running", "[{\"from\": \"08:00\"}]", "#/spec.running[0].to: PropertyRequired" },
        { ApiGroup.PowerScheduleKind, "spec.running", "[{\"days\": [\"Monday\"], \"from\": \"08:00\", \"to\": \"18:00\"}]", "#/spec.running[0].days[0]: NotInEnumeration" },
        { ApiGroup.PowerScheduleKind, "spec.exceptions", "[{\"date\": \"2026-13-01\", \"state\": \"Stopped\"}]", "#/spec.exceptions[0].date: PatternMismatch" },
        { ApiGroup.PowerScheduleKind, "spec.exceptions", "[{\"date\": \"2026-12-25\", \"state\": \"Scheduled\"}]", "#/spec.exceptions[0].state: NotInEnumeration" },
    };

    [Theory, MemberData(nameof(Cases))]
    public void A_broken_sample_is_rejected_with_the_fields_path(string kind, string field, string value, string expected)
    {
        var document = Support.Samples.OfKind(kind).First().Document.DeepClone().AsObject();
        Assert.Empty(SchemaValidator.For(Crd.ForKind(kind)).Validate(document));

        Set(document, field, value);
        var errors = SchemaValidator.For(Crd.ForKind(kind)).Validate(document);

        Assert.True(errors.Contains(expected), $"expected \"{expected}\", got: [{string.Join(", ", errors)}]");
    }

    private static void Set(JsonObject document, string path, string value)
    {
        var parts = path.Split('.');
        var parent = parts[..^1].Aggregate(document, (node, part) => node[part]!.AsObject());
        if (value == "delete") parent.Remove(parts[^1]);
        else parent[parts[^1]] = JsonNode.Parse(value);
    }
}
