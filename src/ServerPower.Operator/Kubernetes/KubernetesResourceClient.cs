using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;
using ServerPower.Api.Resources;
using ServerPower.Api.Serialization;
using ServerPower.Api.Vocabulary;

namespace ServerPower.Operator.Kubernetes;

/// <summary>
/// <see cref="IResourceClient"/> on KubernetesClient. Status goes to the status subresource as a merge patch; every
/// write names the operator's field manager.
/// </summary>
public sealed class KubernetesResourceClient(IKubernetes client) : IResourceClient
{
    public Task<ServerPowerResource?> GetLiveAsync(string ns, string name, CancellationToken cancellationToken) =>
        GetServerAsync(ns, name, cancellationToken);

    public async Task<ServerPowerResource?> GetServerAsync(string ns, string name, CancellationToken cancellationToken) =>
        await GetAsync<ServerPowerResource>(ns, ApiGroup.ServerPowerPlural, name, cancellationToken);

    public async Task<PowerProviderResource?> GetProviderAsync(string ns, string name, CancellationToken cancellationToken) =>
        await GetAsync<PowerProviderResource>(ns, ApiGroup.PowerProviderPlural, name, cancellationToken);

    public async Task<string?> GetSecretValueAsync(string ns, string name, string key, CancellationToken cancellationToken)
    {
        try
        {
            var secret = await client.CoreV1.ReadNamespacedSecretAsync(name, ns, cancellationToken: cancellationToken);
            // stringData is write-only: the API server folds it into data.
            return secret.Data?.TryGetValue(key, out var bytes) == true ? Encoding.UTF8.GetString(bytes) : null;
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public async Task<ServerPowerResource> PatchServerStatusAsync(ServerPowerResource server, ServerPowerStatus status, bool requireResourceVersion, CancellationToken cancellationToken)
    {
        var patch = StatusPatch(server.Status, status);
        if (requireResourceVersion) patch["metadata"] = new JsonObject { ["resourceVersion"] = server.Metadata.ResourceVersion };
        var result = await SendAsync(() => client.CustomObjects.PatchNamespacedCustomObjectStatusAsync(
            Merge(patch), ApiGroup.Group, ApiGroup.Version, server.Metadata.NamespaceProperty, ApiGroup.ServerPowerPlural,
            server.Metadata.Name, fieldManager: FieldManager.Name, cancellationToken: cancellationToken));
        return Read<ServerPowerResource>(result);
    }

    public async Task<ServerPowerResource> SetServerFinalizersAsync(ServerPowerResource server, IReadOnlyList<string> finalizers, CancellationToken cancellationToken)
    {
        var patch = new JsonObject
        {
            ["metadata"] = new JsonObject
            {
                ["resourceVersion"] = server.Metadata.ResourceVersion,
                ["finalizers"] = new JsonArray(finalizers.Select(f => (JsonNode?)JsonValue.Create(f)).ToArray()),
            },
        };
        var result = await SendAsync(() => client.CustomObjects.PatchNamespacedCustomObjectAsync(
            Merge(patch), ApiGroup.Group, ApiGroup.Version, server.Metadata.NamespaceProperty, ApiGroup.ServerPowerPlural,
            server.Metadata.Name, fieldManager: FieldManager.Name, cancellationToken: cancellationToken));
        return Read<ServerPowerResource>(result);
    }

    public async Task<PowerProviderResource> PatchProviderStatusAsync(PowerProviderResource provider, PowerProviderStatus status, CancellationToken cancellationToken)
    {
        var result = await SendAsync(() => client.CustomObjects.PatchNamespacedCustomObjectStatusAsync(
            Merge(StatusPatch(provider.Status, status)), ApiGroup.Group, ApiGroup.Version, provider.Metadata.NamespaceProperty,
            ApiGroup.PowerProviderPlural, provider.Metadata.Name, fieldManager: FieldManager.Name, cancellationToken: cancellationToken));
        return Read<PowerProviderResource>(result);
    }

    private async Task<T?> GetAsync<T>(string ns, string plural, string name, CancellationToken cancellationToken) where T : class
    {
        try
        {
            var result = await client.CustomObjects.GetNamespacedCustomObjectAsync(ApiGroup.Group, ApiGroup.Version, ns, plural, name, cancellationToken);
            return Read<T>(result);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    private static JsonObject StatusPatch<T>(T? current, T desired) =>
        new() { ["status"] = MergePatch.Diff(current is null ? null : ApiJson.ToElement(current), ApiJson.ToElement(desired), MergePatch.StatusRecords) };

    private static V1Patch Merge(JsonObject patch) => new(patch.ToJsonString(), V1Patch.PatchType.MergePatch);

    private static async Task<object> SendAsync(Func<Task<object>> call)
    {
        try
        {
            return await call();
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict)
        {
            throw new ConflictException("the object changed since it was read (409 Conflict)");
        }
    }

    private static T Read<T>(object result) => result switch
    {
        JsonElement element => ApiJson.Deserialize<T>(element) ?? throw new InvalidOperationException("empty answer"),
        _ => ApiJson.Deserialize<T>(KubernetesJson.Serialize(result)) ?? throw new InvalidOperationException("empty answer"),
    };
}
