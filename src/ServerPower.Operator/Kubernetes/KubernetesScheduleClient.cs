using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;
using ServerPower.Api.Resources;
using ServerPower.Api.Serialization;
using ServerPower.Api.Vocabulary;

namespace ServerPower.Operator.Kubernetes;

/// <summary><see cref="IScheduleClient"/> on KubernetesClient: status as a merge patch on the status subresource.</summary>
public sealed class KubernetesScheduleClient(IKubernetes client) : IScheduleClient
{
    public async Task<PowerScheduleResource?> GetScheduleAsync(string ns, string name, CancellationToken cancellationToken)
    {
        try
        {
            var result = await client.CustomObjects.GetNamespacedCustomObjectAsync(ApiGroup.Group, ApiGroup.Version, ns,
                ApiGroup.PowerSchedulePlural, name, cancellationToken);
            return Read(result);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public async Task<PowerScheduleResource> PatchScheduleStatusAsync(PowerScheduleResource schedule, PowerScheduleStatus status, CancellationToken cancellationToken)
    {
        var current = schedule.Status is null ? (JsonElement?)null : ApiJson.ToElement(schedule.Status);
        var patch = new JsonObject { ["status"] = MergePatch.Diff(current, ApiJson.ToElement(status)) };
        try
        {
            var result = await client.CustomObjects.PatchNamespacedCustomObjectStatusAsync(
                new V1Patch(patch.ToJsonString(), V1Patch.PatchType.MergePatch), ApiGroup.Group, ApiGroup.Version,
                schedule.Metadata.NamespaceProperty, ApiGroup.PowerSchedulePlural, schedule.Metadata.Name,
                fieldManager: FieldManager.Name, cancellationToken: cancellationToken);
            return Read(result);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict)
        {
            throw new ConflictException("the object changed since it was read (409 Conflict)");
        }
    }

    private static PowerScheduleResource Read(object result) => result switch
    {
        JsonElement element => ApiJson.Deserialize<PowerScheduleResource>(element) ?? throw new InvalidOperationException("empty answer"),
        _ => ApiJson.Deserialize<PowerScheduleResource>(KubernetesJson.Serialize(result)) ?? throw new InvalidOperationException("empty answer"),
    };
}
