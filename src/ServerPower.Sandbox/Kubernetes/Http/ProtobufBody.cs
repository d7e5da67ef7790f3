using System.Text;
using System.Text.Json.Nodes;
using ServerPower.Sandbox.Kubernetes.Api;

namespace ServerPower.Sandbox.Kubernetes.Http;

/// <summary>
/// Decodes the few protobuf request bodies kubectl sends with its typed clients (<c>kubectl create namespace</c>,
/// <c>kubectl create secret|configmap</c>): the k8s envelope (magic "k8s\0" + runtime.Unknown) around Namespace,
/// Secret or ConfigMap, with the ObjectMeta fields that matter. Other kinds answer 415.
/// </summary>
public static class ProtobufBody
{
    public static JsonObject Decode(byte[] body)
    {
        if (body.Length < 4 || body[0] != 'k' || body[1] != '8' || body[2] != 's' || body[3] != 0)
        {
            throw Unsupported();
        }
        string apiVersion = "", kind = "";
        byte[] raw = [];
        foreach (var (field, value) in Fields(body.AsMemory(4)))
        {
            if (field == 1)
            {
                foreach (var (f, v) in Fields(value))
                {
                    if (f == 1) apiVersion = Text(v);
                    if (f == 2) kind = Text(v);
                }
            }
            if (field == 2) raw = value.ToArray();
        }
        var obj = new JsonObject { ["apiVersion"] = apiVersion, ["kind"] = kind };
        switch (kind)
        {
            case "Namespace":
                Read(raw, obj, (f, v) => false);
                break;
            case "Secret":
                Read(raw, obj, (f, v) =>
                {
                    switch (f)
                    {
                        case 2: AddMapEntry(obj, "data", v, b => Convert.ToBase64String(b)); return true;
                        case 3: obj["type"] = Text(v); return true;
                        case 4: AddMapEntry(obj, "stringData", v, b => Encoding.UTF8.GetString(b)); return true;
                        default: return false;
                    }
                });
                break;
            case "ConfigMap":
                Read(raw, obj, (f, v) =>
                {
                    switch (f)
                    {
                        case 2: AddMapEntry(obj, "data", v, b => Encoding.UTF8.GetString(b)); return true;
                        case 3: AddMapEntry(obj, "binaryData", v, b => Convert.ToBase64String(b)); return true;
                        default: return false;
                    }
                });
                break;
            default:
                throw Unsupported();
        }
        return obj;
    }

    private static KubeApiException Unsupported() =>
        KubeStatus.UnsupportedMediaType("application/vnd.kubernetes.protobuf", ["application/json", "application/yaml"]);

    private static void Read(byte[] raw, JsonObject obj, Func<int, ReadOnlyMemory<byte>, bool> field)
    {
        foreach (var (f, v) in Fields(raw))
        {
            if (f == 1)
            {
                obj["metadata"] = Metadata(v);
            }
            else
            {
                field(f, v);
            }
        }
    }

    private static JsonObject Metadata(ReadOnlyMemory<byte> bytes)
    {
        var meta = new JsonObject();
        foreach (var (f, v) in Fields(bytes))
        {
            switch (f)
            {
                case 1: meta["name"] = Text(v); break;
                case 2: meta["generateName"] = Text(v); break;
                case 3: meta["namespace"] = Text(v); break;
                case 6: meta["resourceVersion"] = Text(v); break;
                case 11: AddMapEntry(meta, "labels", v, b => Encoding.UTF8.GetString(b)); break;
                case 12: AddMapEntry(meta, "annotations", v, b => Encoding.UTF8.GetString(b)); break;
                case 14:
                    var finalizers = meta["finalizers"] as JsonArray ?? new JsonArray();
                    finalizers.Add(Text(v));
                    meta["finalizers"] = finalizers;
                    break;
            }
        }
        return meta;
    }

    private static void AddMapEntry(JsonObject target, string property, ReadOnlyMemory<byte> entry, Func<byte[], string> value)
    {
        string key = "";
        byte[] bytes = [];
        foreach (var (f, v) in Fields(entry))
        {
            if (f == 1) key = Text(v);
            if (f == 2) bytes = v.ToArray();
        }
        var map = target[property] as JsonObject ?? new JsonObject();
        map[key] = value(bytes);
        target[property] = map;
    }

    private static string Text(ReadOnlyMemory<byte> v) => Encoding.UTF8.GetString(v.Span);

    /// <summary>Length-delimited fields of a message (varint and fixed fields are skipped: none of ours needs them).</summary>
    private static IEnumerable<(int Field, ReadOnlyMemory<byte> Value)> Fields(ReadOnlyMemory<byte> message)
    {
        var pos = 0;
        while (pos < message.Length)
        {
            var tag = Varint(message.Span, ref pos);
            var field = (int)(tag >> 3);
            switch (tag & 7)
            {
                case 0: Varint(message.Span, ref pos); break;
                case 1: pos += 8; break;
                case 5: pos += 4; break;
                case 2:
                    var length = (int)Varint(message.Span, ref pos);
                    yield return (field, message.Slice(pos, length));
                    pos += length;
                    break;
                default: throw Unsupported();
            }
        }
    }

    private static ulong Varint(ReadOnlySpan<byte> span, ref int pos)
    {
        ulong result = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            var b = span[pos++];
            result |= (ulong)(b & 0x7f) << shift;
            if ((b & 0x80) == 0) return result;
        }
        throw Unsupported();
    }
}
