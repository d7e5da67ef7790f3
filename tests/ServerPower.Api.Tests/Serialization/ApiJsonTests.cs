using System.Text.Json;
using System.Text.Json.Nodes;
using k8s.Models;
using ServerPower.Api.Resources;
using ServerPower.Api.Serialization;
using ServerPower.Api.Vocabulary;

namespace ServerPower.Api.Tests.Serialization;

public sealed class ApiJsonTests
{
    private static readonly DateTimeOffset Time = new(2026, 11, 22, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_full_ServerPower_survives_a_round_trip_unchanged()
    {
        var json = ApiJson.Serialize(FullServerPower());

        var again = ApiJson.Serialize(ApiJson.Deserialize<ServerPowerResource>(json));

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(json), JsonNode.Parse(again)), $"{json}\n!=\n{again}");
    }

    [Fact]
    public void A_full_PowerProvider_survives_a_round_trip_unchanged()
    {
        var provider = new PowerProviderResource
        {
            Metadata = new V1ObjectMeta { Name = "wings-node1", NamespaceProperty = "games" },
            Spec = new PowerProviderSpec
            {
                Type = ProviderType.Wings,
                Endpoint = "https://node1.example.com:8080",
                CredentialsSecretRef = new SecretKeyReference { Name = "wings", Key = "token" },
                CaBundleSecretRef = new SecretKeyReference { Name = "wings", Key = "ca.crt" },
                RateLimit = new RateLimitSpec { RequestsPerSecond = 0.5, Burst = 2 },
                MaxConcurrentActions = 8,
            },
            Status = new PowerProviderStatus { ObservedGeneration = 2, Conditions = [ReadyCondition()] },
        };
        var json = ApiJson.Serialize(provider);

        var again = ApiJson.Serialize(ApiJson.Deserialize<PowerProviderResource>(json));

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(json), JsonNode.Parse(again)), $"{json}\n!=\n{again}");
    }

    [Fact]
    public void Enums_are_strings_times_are_RFC3339_UTC_and_nulls_are_omitted()
    {
        var json = JsonNode.Parse(ApiJson.Serialize(FullServerPower()))!;

        Assert.Equal(ApiGroup.ApiVersion, (string?)json["apiVersion"]);
        Assert.Equal("ServerPower", (string?)json["kind"]);
        Assert.Equal("Stopped", (string?)json["spec"]!["state"]);
        Assert.Equal("Kill", (string?)json["spec"]!["stop"]!["onTimeout"]);
        Assert.Equal("Stopping", (string?)json["status"]!["powerState"]);
        Assert.Equal("2026-11-22T10:00:00Z", (string?)json["status"]!["lastAction"]!["requestTime"]);
        Assert.Equal("2026-11-22T10:00:00Z", (string?)json["status"]!["conditions"]![0]!["lastTransitionTime"]);
        Assert.Equal("Uncertain", (string?)json["status"]!["rebuild"]!["phase"]);
        Assert.False(json["status"]!["restart"]!.AsObject().ContainsKey("message"));
        Assert.False(json["status"]!["lastAction"]!.AsObject().ContainsKey("token"));
    }

    [Fact]
    public void A_minimal_manifest_reads_with_the_documented_defaults()
    {
        var server = ApiJson.Deserialize<ServerPowerResource>("""
            {"apiVersion": "power.serverops.io/v1alpha1", "kind": "ServerPower", "metadata": {"name": "web"},
             "spec": {"providerRef": {"name": "wenium-main"}, "serverId": "1234"}}
            """)!;

        Assert.Equal("wenium-main", server.Spec.ProviderRef.Name);
        Assert.Equal("1234", server.Spec.ServerId);
        Assert.Equal(DesiredPowerState.Running, server.Spec.State);
        Assert.False(server.Spec.Suspend);
        Assert.Equal(ManagementPolicy.Manage, server.Spec.ManagementPolicy);
        Assert.Equal(DeletionPolicy.Orphan, server.Spec.DeletionPolicy);
        Assert.Null(server.Status);
    }

    [Fact]
    public void An_unknown_enum_value_is_refused()
    {
        Assert.Throws<JsonException>(() => ApiJson.Deserialize<ServerPowerSpec>("""{"state": "Paused"}"""));
    }

    private static ServerPowerResource FullServerPower() => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = "build-runner",
            NamespaceProperty = "ci",
            Generation = 3,
            Annotations = new Dictionary<string, string> { [Annotations.Restart] = "2026-11-22", [Annotations.Rebuild] = "ticket-42" },
        },
        Spec = new ServerPowerSpec
        {
            ProviderRef = new LocalObjectReference { Name = "wenium-main" },
            ServerId = "1234",
            State = DesiredPowerState.Stopped,
            Suspend = true,
            ManagementPolicy = ManagementPolicy.Observe,
            Stop = new StopSpec { GracePeriod = "90s", OnTimeout = StopTimeoutAction.Kill },
            Rebuild = new RebuildSpec
            {
                OsId = "ubuntu-22.04",
                Hostname = "runner-1",
                SshKeyIds = [1, 2],
                FirewallGroupId = 5,
                RootPasswordSecretRef = new SecretKeyReference { Name = "runner-root", Key = "password" },
            },
            DeletionPolicy = DeletionPolicy.Stop,
        },
        Status = new ServerPowerStatus
        {
            ObservedGeneration = 3,
            DesiredState = TargetPowerState.Stopped,
            PowerState = PowerState.Stopping,
            ProviderState = "stopping",
            LastAction = new LastAction { Type = ActionType.Stop, RequestTime = Time, Result = ActionResult.Accepted, Message = "ok" },
            Restart = new OneShotStatus { Token = "2026-11-22", Phase = OneShotPhase.Skipped },
            Rebuild = new OneShotStatus { Token = "ticket-42", Phase = OneShotPhase.Uncertain, Message = "operator stopped mid-call" },
            Conditions = [ReadyCondition()],
        },
    };

    private static Condition ReadyCondition() => new()
    {
        Type = ConditionTypes.Ready,
        Status = ConditionStatus.False,
        Reason = Reasons.Stopping,
        Message = "the server is stopping",
        LastTransitionTime = Time,
        ObservedGeneration = 3,
    };
}
