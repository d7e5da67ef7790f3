using System.Text.Json.Nodes;
using k8s.Models;
using ServerPower.Api.Resources;
using ServerPower.Api.Serialization;
using ServerPower.Operator.Kubernetes;
using StatusDiff = ServerPower.Operator.Kubernetes.MergePatch;
using StatusMerge = ServerPower.Sandbox.Kubernetes.Api.MergePatch;

namespace ServerPower.Operator.Tests.Reconciliation;

/// <summary>
/// An in-memory stand-in for the API server behind <see cref="IResourceClient"/>: objects round-trip through JSON,
/// every write bumps resourceVersion, a stale resourceVersion gives a conflict, a status write is merged as the real
/// client's merge patch is, and writes are logged.
/// </summary>
public sealed class InMemoryResourceClient : IResourceClient
{
    private readonly Dictionary<(string, string), string> servers = [];
    private readonly Dictionary<(string, string), string> providers = [];
    private readonly Dictionary<(string, string, string), string> secrets = [];
    private long version = 1;

    public List<string> Writes { get; } = [];

    /// <summary>Runs just before a write is applied (e.g. to simulate another writer).</summary>
    public Action<string>? BeforeWrite { get; set; }

    /// <summary>Runs just after a status write was applied: throwing here is an answer lost after the commit.</summary>
    public Action<string>? AfterWrite { get; set; }

    public void Put(ServerPowerResource server) => servers[Key(server.Metadata)] = Stamp(server);

    public void Put(PowerProviderResource provider) => providers[Key(provider.Metadata)] = Stamp(provider);

    public void PutSecret(string ns, string name, string key, string value) => secrets[(ns, name, key)] = value;

    /// <summary>Removes a PowerProvider and every key of a Secret (a namespace being deleted).</summary>
    public void RemoveProviderAndSecret(string ns, string provider, string secret)
    {
        providers.Remove((ns, provider));
        RemoveSecret(ns, secret);
    }

    /// <summary>Removes every key of a Secret (deleted on its own, the PowerProvider staying).</summary>
    public void RemoveSecret(string ns, string secret)
    {
        foreach (var key in secrets.Keys.Where(k => k.Item1 == ns && k.Item2 == secret).ToList()) secrets.Remove(key);
    }

    public ServerPowerResource Server(string ns, string name) => ApiJson.Deserialize<ServerPowerResource>(servers[(ns, name)])!;

    public PowerProviderResource Provider(string ns, string name) => ApiJson.Deserialize<PowerProviderResource>(providers[(ns, name)])!;

    public bool HasServer(string ns, string name) => servers.ContainsKey((ns, name));

    /// <summary>Removes a ServerPower at once (one without finalizers being deleted).</summary>
    public void Delete(string ns, string name) => servers.Remove((ns, name));

    /// <summary>Every ServerPower held, as the API server would answer them.</summary>
    public IEnumerable<ServerPowerResource> Servers() => servers.Values.Select(json => ApiJson.Deserialize<ServerPowerResource>(json)!);

    public Task<ServerPowerResource?> GetServerAsync(string ns, string name, CancellationToken cancellationToken) =>
        Task.FromResult(servers.TryGetValue((ns, name), out var json) ? ApiJson.Deserialize<ServerPowerResource>(json) : null);

    /// <summary>Runs just before a live (quorum) read is answered.</summary>
    public Action? BeforeLiveRead { get; set; }

    public Task<ServerPowerResource?> GetLiveAsync(string ns, string name, CancellationToken cancellationToken)
    {
        BeforeLiveRead?.Invoke();
        return GetServerAsync(ns, name, cancellationToken);
    }

    public Task<PowerProviderResource?> GetProviderAsync(string ns, string name, CancellationToken cancellationToken) =>
        Task.FromResult(providers.TryGetValue((ns, name), out var json) ? ApiJson.Deserialize<PowerProviderResource>(json) : null);

    public int SecretReads { get; private set; }

    public Task<string?> GetSecretValueAsync(string ns, string name, string key, CancellationToken cancellationToken)
    {
        SecretReads++;
        return Task.FromResult(secrets.GetValueOrDefault((ns, name, key)));
    }

    public Task<ServerPowerResource> PatchServerStatusAsync(ServerPowerResource server, ServerPowerStatus status, bool requireResourceVersion, CancellationToken cancellationToken)
    {
        var stored = Current(server.Metadata, requireResourceVersion, $"status{(requireResourceVersion ? "+rv" : "")}:{server.Metadata.Name}");
        // As the real client and API server do: the merge patch from the status the caller read to the one it wants
        // (KubernetesResourceClient's diff), applied to the status stored now (RFC 7386, the sandbox's applier).
        var patch = StatusDiff.Diff(server.Status is null ? null : ApiJson.ToElement(server.Status), ApiJson.ToElement(status), StatusDiff.StatusRecords);
        var merged = StatusMerge.Apply(stored.Status is null ? null : JsonNode.Parse(ApiJson.Serialize(stored.Status)), patch);
        stored.Status = merged is null ? null : ApiJson.Deserialize<ServerPowerStatus>(merged.ToJsonString());
        Put(stored);
        AfterWrite?.Invoke($"status{(requireResourceVersion ? "+rv" : "")}:{server.Metadata.Name}");
        return Task.FromResult(Server(stored.Metadata.NamespaceProperty, stored.Metadata.Name));
    }

    public Task<ServerPowerResource> SetServerFinalizersAsync(ServerPowerResource server, IReadOnlyList<string> finalizers, CancellationToken cancellationToken)
    {
        var stored = Current(server.Metadata, true, $"finalizers:{server.Metadata.Name}");
        stored.Metadata.Finalizers = finalizers.ToList();
        var key = Key(stored.Metadata);
        if (stored.Metadata.DeletionTimestamp is not null && finalizers.Count == 0) servers.Remove(key);
        else Put(stored);
        return Task.FromResult(stored);
    }

    public Task<PowerProviderResource> PatchProviderStatusAsync(PowerProviderResource provider, PowerProviderStatus status, CancellationToken cancellationToken)
    {
        BeforeWrite?.Invoke($"provider-status:{provider.Metadata.Name}");
        Writes.Add($"provider-status:{provider.Metadata.Name}");
        var stored = Provider(provider.Metadata.NamespaceProperty, provider.Metadata.Name);
        stored.Status = status;
        Put(stored);
        return Task.FromResult(stored);
    }

    private ServerPowerResource Current(V1ObjectMeta meta, bool checkVersion, string write)
    {
        BeforeWrite?.Invoke(write);
        var stored = Server(meta.NamespaceProperty, meta.Name);
        if (checkVersion && stored.Metadata.ResourceVersion != meta.ResourceVersion)
            throw new ConflictException("stale resourceVersion");
        Writes.Add(write);
        return stored;
    }

    private string Stamp<T>(T resource) where T : k8s.IKubernetesObject<V1ObjectMeta>
    {
        resource.Metadata.ResourceVersion = (++version).ToString(System.Globalization.CultureInfo.InvariantCulture);
        resource.Metadata.Uid ??= Guid.NewGuid().ToString();
        resource.Metadata.Generation ??= 1;
        return ApiJson.Serialize(resource);
    }

    private static (string, string) Key(V1ObjectMeta meta) => (meta.NamespaceProperty, meta.Name);
}
