using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;
using ServerPower.Api.Vocabulary;
using ServerPower.KubectlPower.Cli;

namespace ServerPower.KubectlPower.Kube;

/// <summary>
/// The ServerPower objects the plugin reads and patches, as JSON (so fields newer or older than this build are read
/// when present and ignored otherwise). Every API failure becomes one <see cref="CommandException"/> line.
/// </summary>
public sealed class ServerPowers(IKubernetes client, string apiServer)
{
    /// <summary>The field manager of every patch, as kubectl's own patches say kubectl-patch.</summary>
    public const string FieldManager = "kubectl-power";

    public Task<JsonObject> GetAsync(string ns, string name, CancellationToken cancellationToken) =>
        CallAsync(async () => ToObject(await client.CustomObjects.GetNamespacedCustomObjectAsync(
            ApiGroup.Group, ApiGroup.Version, ns, ApiGroup.ServerPowerPlural, name, cancellationToken)), cancellationToken);

    /// <summary>Every ServerPower in a namespace (null: all namespaces) whose labels match the selector, sorted by namespace and name.</summary>
    public Task<IReadOnlyList<JsonObject>> ListAsync(string? ns, string? selector, CancellationToken cancellationToken) =>
        CallAsync(async () =>
        {
            var list = ns is null
                ? await client.CustomObjects.ListClusterCustomObjectAsync(ApiGroup.Group, ApiGroup.Version, ApiGroup.ServerPowerPlural,
                    labelSelector: selector, cancellationToken: cancellationToken)
                : await client.CustomObjects.ListNamespacedCustomObjectAsync(ApiGroup.Group, ApiGroup.Version, ns, ApiGroup.ServerPowerPlural,
                    labelSelector: selector, cancellationToken: cancellationToken);
            var items = ToObject(list)["items"]?.AsArray() ?? [];
            IReadOnlyList<JsonObject> sorted = items.OfType<JsonObject>()
                .OrderBy(o => ServerView.Text(o, "metadata", "namespace"), StringComparer.Ordinal)
                .ThenBy(o => ServerView.Text(o, "metadata", "name"), StringComparer.Ordinal)
                .ToList();
            return sorted;
        }, cancellationToken);

    /// <summary>A JSON merge patch (RFC 7386); a null value removes the field.</summary>
    public Task<JsonObject> MergePatchAsync(string ns, string name, JsonObject patch, CancellationToken cancellationToken) =>
        CallAsync(async () => ToObject(await client.CustomObjects.PatchNamespacedCustomObjectAsync(
            new V1Patch(patch.ToJsonString(), V1Patch.PatchType.MergePatch), ApiGroup.Group, ApiGroup.Version, ns,
            ApiGroup.ServerPowerPlural, name, fieldManager: FieldManager, cancellationToken: cancellationToken)), cancellationToken);

    private async Task<T> CallAsync<T>(Func<Task<T>> call, CancellationToken cancellationToken)
    {
        try
        {
            return await call();
        }
        catch (HttpOperationException e)
        {
            throw new CommandException(Describe(e));
        }
        catch (HttpRequestException e)
        {
            throw new CommandException($"cannot reach the Kubernetes API at {apiServer}: {OneLine(e.InnerException?.Message ?? e.Message)}");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new CommandException($"the Kubernetes API at {apiServer} did not answer within {KubeTargetLoader.RequestTimeout.TotalSeconds:0}s");
        }
    }

    /// <summary>The API's own Status message (e.g. <c>serverpowers.power.serverops.io "web" not found</c>), else the HTTP status.</summary>
    internal static string Describe(HttpOperationException e)
    {
        var code = e.Response?.StatusCode ?? 0;
        string? message = null;
        try
        {
            if (e.Response?.Content is { Length: > 0 } body && JsonNode.Parse(body) is JsonObject status)
                message = (string?)status["message"];
        }
        catch (JsonException)
        {
            // not a Status object: fall back to the HTTP status
        }
        var prefix = code switch
        {
            HttpStatusCode.NotFound => "not found",
            HttpStatusCode.Unauthorized => "unauthorized (the kubeconfig's credentials were refused)",
            HttpStatusCode.Forbidden => "forbidden",
            HttpStatusCode.Conflict => "conflict",
            HttpStatusCode.UnprocessableEntity => "invalid",
            _ => $"the Kubernetes API answered {(int)code}",
        };
        return message is { Length: > 0 } ? $"{prefix}: {OneLine(message)}" : prefix;
    }

    private static JsonObject ToObject(object response) => response switch
    {
        JsonElement element => JsonNode.Parse(element.GetRawText())?.AsObject() ?? [],
        JsonObject node => node,
        _ => JsonNode.Parse(KubernetesJson.Serialize(response))?.AsObject() ?? [],
    };

    private static string OneLine(string text) => text.ReplaceLineEndings(" ").Trim();
}
