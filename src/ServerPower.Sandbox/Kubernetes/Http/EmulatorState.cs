using System.Text.Json;
using System.Text.Json.Nodes;
using ServerPower.Sandbox.Kubernetes.Api;
using ServerPower.Sandbox.Kubernetes.Faults;
using ServerPower.Sandbox.Kubernetes.Rbac;
using ServerPower.Sandbox.Kubernetes.Storage;

namespace ServerPower.Sandbox.Kubernetes.Http;

/// <summary>What every handler shares: the store, the served types, the clock, the tokens, counters and faults.</summary>
public sealed class EmulatorState(KubeApiEmulatorOptions options)
{
    public KubeApiEmulatorOptions Options { get; } = options;
    public ObjectStore Store { get; } = new(options.WatchEventWindow, options.WatcherCapacity);
    public ResourceRegistry Registry { get; } = new();
    public TimeProvider Time => Options.TimeProvider;
    public TableBuilder Tables { get; } = new(options.TimeProvider);
    public WriteCounter Writes { get; } = new();
    public RequestCounter Requests { get; } = new();
    public ApiFaults Faults { get; } = new();
    public Authorizer Authorizer { get; } = new(options.AdminToken, options.Identities, options.AnonymousIsAdmin);

    /// <summary>The object's JSON as served in <paramref name="type"/>'s version (CRDs use the None conversion).</summary>
    public byte[] Present(ResourceType type, StoredObject stored)
    {
        if (!type.MultiVersion)
        {
            return stored.Json;
        }
        var obj = stored.Parse();
        obj["apiVersion"] = type.ApiVersion;
        return JsonSerializer.SerializeToUtf8Bytes(obj);
    }

    public JsonObject PresentObject(ResourceType type, StoredObject stored)
    {
        var obj = stored.Parse();
        if (type.MultiVersion)
        {
            obj["apiVersion"] = type.ApiVersion;
        }
        return obj;
    }

    public bool NamespaceExists(string ns) => Store.Get(BuiltinResources.Namespaces.StorageKey, "", ns) is not null;
}
