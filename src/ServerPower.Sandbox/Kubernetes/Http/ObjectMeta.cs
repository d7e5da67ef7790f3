using System.Globalization;
using System.Text.Json.Nodes;

namespace ServerPower.Sandbox.Kubernetes.Http;

/// <summary>Small helpers over an object's metadata.</summary>
public static class ObjectMeta
{
    public static JsonObject Of(JsonObject obj)
    {
        if (obj["metadata"] is not JsonObject meta)
        {
            meta = new JsonObject();
            obj["metadata"] = meta;
        }
        return meta;
    }

    public static string Name(JsonObject obj) => obj["metadata"]?["name"]?.ToString() ?? "";

    public static string ResourceVersion(JsonObject obj) => obj["metadata"]?["resourceVersion"]?.ToString() ?? "";

    public static bool HasFinalizers(JsonObject obj) => obj["metadata"]?["finalizers"] is JsonArray { Count: > 0 };

    public static bool IsDeleting(JsonObject obj) => obj["metadata"]?["deletionTimestamp"] is not null;

    public static long Generation(JsonObject obj) =>
        obj["metadata"]?["generation"] is JsonValue v ? long.Parse(v.ToJsonString(), CultureInfo.InvariantCulture) : 0;

    public static string Timestamp(TimeProvider time) =>
        time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>The object without metadata (and without status when status is a subresource): what generation tracks.</summary>
    public static JsonObject SpecPart(JsonObject obj, bool excludeStatus)
    {
        var copy = obj.DeepClone().AsObject();
        copy.Remove("metadata");
        copy.Remove("apiVersion");
        copy.Remove("kind");
        if (excludeStatus)
        {
            copy.Remove("status");
        }
        return copy;
    }
}
