using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using ServerPower.Sandbox.Kubernetes.Api;
using ServerPower.Sandbox.Kubernetes.Storage;

namespace ServerPower.Sandbox.Kubernetes.Http;

/// <summary>get and list, as JSON or as a meta.k8s.io Table.</summary>
public sealed class ResourceReader(EmulatorState state)
{
    public ApiResult Get(ApiRequest r, bool table, string? includeObject)
    {
        StoredObject stored;
        lock (state.Store.Gate)
        {
            stored = state.Store.Get(r.Type.StorageKey, r.Namespace, r.Name) ?? throw KubeStatus.NotFound(r.Type, r.Name);
        }
        if (table)
        {
            var obj = state.PresentObject(r.Type, stored);
            return ApiResult.Json(200, state.Tables.Build(r.Type, [obj], stored.ResourceVersion.ToString(), null, includeObject));
        }
        return new ApiResult(200, state.Present(r.Type, stored), []);
    }

    public ApiResult List(ApiRequest r, IQueryCollection query, bool table)
    {
        var labels = LabelSelector.Parse(query["labelSelector"]);
        var fields = FieldSelector.Parse(query["fieldSelector"], r.Type);
        var limit = long.TryParse(query["limit"], out var l) && l > 0 ? l : long.MaxValue;
        var (continueRv, after) = ContinueToken.Decode(query["continue"]);
        var ns = r.Namespace.Length > 0 ? r.Namespace : null;
        var items = new List<StoredObject>();
        string? next = null;
        long listRv;
        lock (state.Store.Gate)
        {
            listRv = continueRv ?? state.Store.CurrentResourceVersion;
            foreach (var o in state.Store.List(r.Type.StorageKey, ns))
            {
                if (after is not null && string.CompareOrdinal(Key(o), after) <= 0)
                {
                    continue;
                }
                if (!labels.Matches(o.Labels) || !fields.Matches(o.Namespace, o.Name, fields.NeedsObject ? o.Parse : null))
                {
                    continue;
                }
                if (items.Count == limit)
                {
                    next = ContinueToken.Encode(listRv, Key(items[^1]));
                    break;
                }
                items.Add(o);
            }
        }
        var rv = listRv.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (table)
        {
            return ApiResult.Json(200, state.Tables.Build(r.Type, items.Select(i => state.PresentObject(r.Type, i)), rv, next, query["includeObject"]));
        }
        return new ApiResult(200, ListBytes(r.Type, items, rv, next), []);
    }

    private static string Key(StoredObject o) => o.Namespace + "/" + o.Name;

    private byte[] ListBytes(ResourceType type, List<StoredObject> items, string rv, string? next)
    {
        var metadata = new JsonObject { ["resourceVersion"] = rv };
        if (next is not null)
        {
            metadata["continue"] = next;
        }
        using var buffer = new MemoryStream();
        var head = $"{{\"kind\":{JsonSerializer.Serialize(type.ListKind)},\"apiVersion\":{JsonSerializer.Serialize(type.ApiVersion)},\"metadata\":{metadata.ToJsonString()},\"items\":[";
        buffer.Write(Encoding.UTF8.GetBytes(head));
        for (var i = 0; i < items.Count; i++)
        {
            if (i > 0) buffer.WriteByte((byte)',');
            buffer.Write(state.Present(type, items[i]));
        }
        buffer.Write("]}"u8);
        return buffer.ToArray();
    }
}
