using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using ServerPower.Api.Resources;
using ServerPower.Api.Vocabulary;
using ServerPower.Sandbox.Activity;
using ServerPower.Sandbox.Kubernetes.Api;
using ServerPower.Sandbox.Providers;
using ServerPower.Sandbox.Services;

namespace ServerPower.Sandbox.Command;

/// <summary>
/// Points config/samples at the simulators: each PowerProvider's endpoint becomes its type's simulator, each
/// credentials Secret gets that simulator's token, and each ServerPower's server is created at the simulator,
/// offline (so a sample declared Running is visibly started by the operator). Readiness probes are pointed at
/// <c>service</c>, a listener on 127.0.0.1 standing in for the servers' services (without one they are removed).
/// Minecraft auto-stop activity targets are pointed at <c>minecraft</c>, a Server List Ping fake on 127.0.0.1 (without
/// one, or for another activity kind, spec.autoStop is removed: the sandbox reads no address but its own).
/// </summary>
public static class SampleInstaller
{
    public static IReadOnlyList<JsonObject> Load(string samplesDirectory) =>
        Directory.GetFiles(samplesDirectory, "*.yaml").Order(StringComparer.Ordinal)
            .Where(f => Path.GetFileName(f) != "kustomization.yaml")
            .SelectMany(f => YamlJson.ParseDocuments(File.ReadAllText(f)))
            .ToList();

    /// <summary>Rewrites the documents in place for the simulators and creates their servers there.</summary>
    public static IReadOnlyList<JsonObject> PointAtSimulators(IReadOnlyList<JsonObject> documents,
        IReadOnlyDictionary<ProviderType, IProviderSimulator> simulators, ServiceListener? service = null, MinecraftPingListener? minecraft = null)
    {
        var providerTypes = new Dictionary<string, ProviderType>();
        var secretTokens = new Dictionary<(string Name, string Key), string>();
        foreach (var provider in documents.Where(d => Kind(d) == ApiGroup.PowerProviderKind))
        {
            var spec = provider["spec"]!.AsObject();
            var simulator = simulators[Enum.Parse<ProviderType>((string)spec["type"]!)];
            spec["endpoint"] = simulator.BaseAddress.ToString().TrimEnd('/');
            var secretRef = spec["credentialsSecretRef"]!;
            secretTokens[((string)secretRef["name"]!, (string)secretRef["key"]!)] = simulator.Token;
            providerTypes[Name(provider)] = simulator.Type;
        }
        foreach (var secret in documents.Where(d => Kind(d) == "Secret"))
        {
            var data = secret["stringData"] as JsonObject ?? [];
            foreach (var key in data.Select(p => p.Key).ToList())
            {
                if (secretTokens.TryGetValue((Name(secret), key), out var token)) data[key] = token;
            }
            secret["stringData"] = data;
        }
        foreach (var server in documents.Where(d => Kind(d) == ApiGroup.ServerPowerKind))
        {
            var spec = server["spec"]!;
            if (providerTypes.TryGetValue((string)spec["providerRef"]!["name"]!, out var type))
                simulators[type].AddServer((string)spec["serverId"]!);
            if (spec["readinessProbe"] is JsonObject probe) PointProbe(spec.AsObject(), probe, service);
            if (spec["autoStop"] is JsonObject autoStop) PointActivity(spec.AsObject(), autoStop, minecraft);
        }
        return documents;
    }

    /// <summary>Creates the documents in a namespace: Secrets first, then providers and schedules, then servers.</summary>
    public static async Task<int> ApplyAsync(IKubernetes client, IReadOnlyList<JsonObject> documents, string ns, CancellationToken cancellationToken)
    {
        foreach (var secret in documents.Where(d => Kind(d) == "Secret"))
            await client.CoreV1.CreateNamespacedSecretAsync(KubernetesJson.Deserialize<V1Secret>(secret.ToJsonString()), ns, cancellationToken: cancellationToken);
        foreach (var (kind, plural) in new[]
                 {
                     (ApiGroup.PowerProviderKind, ApiGroup.PowerProviderPlural), (ApiGroup.PowerScheduleKind, ApiGroup.PowerSchedulePlural),
                     (ApiGroup.ServerPowerKind, ApiGroup.ServerPowerPlural),
                 })
        {
            foreach (var document in documents.Where(d => Kind(d) == kind))
                await client.CustomObjects.CreateNamespacedCustomObjectAsync(document, ApiGroup.Group, ApiGroup.Version, ns, plural, cancellationToken: cancellationToken);
        }
        return documents.Count;
    }

    private static void PointProbe(JsonObject spec, JsonObject probe, ServiceListener? service)
    {
        if (service is null)
        {
            spec.Remove("readinessProbe");
            return;
        }
        if (probe["tcpSocket"] is JsonObject tcp)
        {
            tcp["host"] = "127.0.0.1";
            tcp["port"] = service.Port;
        }
        if (probe["httpGet"] is JsonObject http)
        {
            var path = Uri.TryCreate((string?)http["url"], UriKind.Absolute, out var url) ? url.PathAndQuery : "/";
            http["url"] = $"http://127.0.0.1:{service.Port}{path}";
        }
    }

    private static void PointActivity(JsonObject spec, JsonObject autoStop, MinecraftPingListener? minecraft)
    {
        if (autoStop["activity"]?["minecraft"] is not JsonObject target || minecraft is null)
        {
            spec.Remove("autoStop");
            return;
        }
        target["host"] = minecraft.Address.ToString();
        target["port"] = minecraft.Port;
    }

    private static string Kind(JsonObject document) => (string?)document["kind"] ?? "";

    private static string Name(JsonObject document) => (string)document["metadata"]!["name"]!;
}
