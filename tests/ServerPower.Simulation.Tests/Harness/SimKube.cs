using System.Text.Json;
using System.Text.Json.Nodes;
using k8s.Models;
using ServerPower.Api.Resources;
using ServerPower.Api.Serialization;
using ServerPower.Operator.Kubernetes;
using ServerPower.Runtime;

namespace ServerPower.Simulation.Tests.Harness;

/// <summary>
/// The API server behind <see cref="IResourceClient"/>, as the real client uses it: objects round-trip through
/// JSON; a status write is the same merge patch the real client sends (diff from the status the caller read to
/// the status it wants), applied to the stored status; a resourceVersion precondition gives a conflict; a write that
/// changes nothing does not bump resourceVersion; deletion waits for finalizers, and no finalizer can be added to
/// an object being deleted. Faults: stale reads (an older stored version), errors before a write, and writes that
/// were applied but whose answer was lost. Every call is an await where the calling reconcile can be overtaken.
/// </summary>
internal sealed class SimKube(SimContext sim, FiberScheduler fibers, FaultPlan faults, Monitor monitor) : IResourceClient
{
    private readonly Dictionary<ObjectKey, string> servers = [];
    private readonly Dictionary<ObjectKey, List<(long Version, string? Json)>> history = [];
    private readonly Dictionary<ObjectKey, string> providers = [];
    private readonly Dictionary<(string Ns, string Name), Dictionary<string, string>> secrets = [];
    private readonly Dictionary<ObjectKey, long> externalWrites = [];
    private long version = 100;
    private long cacheFloor;
    private int uids;
    private int foreignWrites;

    /// <summary>A ServerPower changed (informers deliver it after a watch delay).</summary>
    public Action<ObjectKey>? ServerChanged { get; set; }

    /// <summary>A PowerProvider was created, changed or deleted.</summary>
    public Action<ObjectKey>? ProviderChanged { get; set; }

    // ---- The side of users, other controllers and the world: immediate, never faulty. ----

    public IReadOnlyList<ObjectKey> ServerKeys => servers.Keys.ToList();

    /// <summary>
    /// How often a lookup of another object (<see cref="CachedServers"/>) answers with an older version, as an informer
    /// cache that has not yet seen the last changes does; 0: never.
    /// </summary>
    public double CacheLag { get; set; }

    /// <summary>
    /// Every ServerPower as the operator's informer cache may hold it: the stored version, or, <see cref="CacheLag"/> of
    /// the time, one of the last few before it (so an object just created may be missing and one just deleted still
    /// there), but never one older than what the cache was brought up to (<see cref="CatchUp"/>). Drawn from
    /// <see cref="SimContext.Lag"/>, so a seed without lag replays as before.
    /// </summary>
    public IEnumerable<ServerPowerResource> CachedServers()
    {
        foreach (var (key, versions) in history.ToList())
        {
            if (CacheLag > 0 && versions.Count >= 2 && sim.Lag.NextDouble() < CacheLag)
            {
                var from = Math.Max(Math.Max(0, versions.FindLastIndex(v => v.Version <= cacheFloor)), versions.Count - 4);
                var json = from < versions.Count - 1 ? versions[sim.Lag.Next(from, versions.Count - 1)].Json : versions[^1].Json;
                if (json is not null) yield return Read<ServerPowerResource>(json);
            }
            else if (View(key) is { } server) yield return server;
        }
    }

    /// <summary>
    /// The operator's cache waits until it has seen <paramref name="resourceVersion"/> (its own record): from then on it
    /// holds every change written before it. With <see cref="CacheLag"/>, one wait in twenty fails (a watch that is down).
    /// </summary>
    public bool CatchUp(string resourceVersion)
    {
        if (CacheLag > 0 && sim.Lag.NextDouble() < 0.05) return false;
        cacheFloor = Math.Max(cacheFloor, long.Parse(resourceVersion, System.Globalization.CultureInfo.InvariantCulture));
        return true;
    }

    /// <summary>How many writes by anyone but the operator the object has had (tells its own watch events from others').</summary>
    public long ExternalWrites(ObjectKey key) => externalWrites.GetValueOrDefault(key);

    public ServerPowerResource? Server(ObjectKey key) => servers.TryGetValue(key, out var json) ? Read<ServerPowerResource>(json) : null;

    private readonly Dictionary<ObjectKey, (string Json, ServerPowerResource Server)> views = [];

    /// <summary>The stored object, shared by every caller until it changes: for readers that never modify it (a copy per call costs the search its speed).</summary>
    public ServerPowerResource? View(ObjectKey key)
    {
        if (!servers.TryGetValue(key, out var json)) return null;
        if (views.TryGetValue(key, out var view) && ReferenceEquals(view.Json, json)) return view.Server;
        var server = Read<ServerPowerResource>(json);
        views[key] = (json, server);
        return server;
    }

    public bool ProviderExists(ObjectKey key) => providers.ContainsKey(key);

    public string? Secret(string ns, string name, string key) =>
        secrets.TryGetValue((ns, name), out var data) ? data.GetValueOrDefault(key) : null;

    public void Create(ServerPowerResource server)
    {
        var key = KeyOf(server.Metadata);
        if (servers.ContainsKey(key)) throw new InvalidOperationException($"{key} exists");
        server.Metadata.Uid = $"uid-{++uids}";
        server.Metadata.Generation = 1;
        server.Metadata.CreationTimestamp = sim.Now.UtcDateTime;
        server.Status = null;
        externalWrites[key] = ExternalWrites(key) + 1;
        Commit(key, null, server);
    }

    /// <summary>A user's edit (kubectl apply/annotate/patch): spec changes bump metadata.generation.</summary>
    public void Edit(ObjectKey key, Action<ServerPowerResource> change)
    {
        var before = Server(key) ?? throw new InvalidOperationException($"{key} does not exist");
        var after = Server(key)!;
        change(after);
        if (!JsonElement.DeepEquals(ApiJson.ToElement(before.Spec), ApiJson.ToElement(after.Spec)))
            after.Metadata.Generation = (before.Metadata.Generation ?? 1) + 1;
        externalWrites[key] = ExternalWrites(key) + 1;
        Commit(key, before, after);
    }

    /// <summary>kubectl delete: gone at once without finalizers, else marked for deletion.</summary>
    public void Delete(ObjectKey key)
    {
        var before = Server(key);
        if (before is null) return;
        externalWrites[key] = ExternalWrites(key) + 1;
        if (before.Metadata.Finalizers is not { Count: > 0 })
        {
            Remove(key, before);
            return;
        }
        if (before.Metadata.DeletionTimestamp is not null) return;
        var after = Server(key)!;
        after.Metadata.DeletionTimestamp = sim.Now.UtcDateTime;
        after.Metadata.Generation = (before.Metadata.Generation ?? 1) + 1;
        Commit(key, before, after);
    }

    /// <summary>Another controller touches the object (a label): its resourceVersion moves under the operator's feet.</summary>
    public void ForeignWrite(ObjectKey key)
    {
        if (Server(key) is null) return;
        Edit(key, s => (s.Metadata.Labels ??= new Dictionary<string, string>())["team"] = $"t{++foreignWrites}");
    }

    public void PutProvider(PowerProviderResource provider)
    {
        var key = KeyOf(provider.Metadata);
        provider.Metadata.ResourceVersion = (++version).ToString(System.Globalization.CultureInfo.InvariantCulture);
        provider.Metadata.Generation ??= 1;
        providers[key] = ApiJson.Serialize(provider);
        ProviderChanged?.Invoke(key);
    }

    public void DeleteProvider(ObjectKey key)
    {
        if (providers.Remove(key)) ProviderChanged?.Invoke(key);
    }

    public void PutSecret(string ns, string name, string key, string value) =>
        secrets[(ns, name)] = new Dictionary<string, string> { [key] = value };

    public void DeleteSecret(string ns, string name) => secrets.Remove((ns, name));

    // ---- The operator's side: IResourceClient, every call an await. ----

    /// <summary>A quorum read: what is stored at this instant, never stale (taken at once, so seeds without cache lag replay as before).</summary>
    public Task<ServerPowerResource?> GetLiveAsync(string ns, string name, CancellationToken cancellationToken) =>
        Task.FromResult(View(new ObjectKey(ns, name)));

    public async Task<ServerPowerResource?> GetServerAsync(string ns, string name, CancellationToken cancellationToken)
    {
        var key = new ObjectKey(ns, name);
        var fiber = await fibers.ParkAsync("kube get", Latency(), cancellationToken);
        Fail(fiber, "get ServerPower");
        var json = servers.GetValueOrDefault(key);
        var fresh = true;
        if (history.TryGetValue(key, out var versions) && versions.Count >= 2 && faults.Kube(faults.StaleRead))
        {
            var oldest = Math.Max(0, versions.Count - 4);
            json = versions[sim.Rng.Next(oldest, versions.Count - 1)].Json;
            fresh = false;
        }
        var server = json is null ? null : Read<ServerPowerResource>(json);
        if (!fresh) sim.Fault($"{fiber.Name}: stale read: {(server is null ? "not found" : $"rv {server.Metadata.ResourceVersion}")} (stored: {Describe(Server(key))})");
        else sim.Log($"{fiber.Name}: kube get → {Describe(server)}");
        monitor.OnServerRead(fiber, server, fresh);
        return server;
    }

    public async Task<PowerProviderResource?> GetProviderAsync(string ns, string name, CancellationToken cancellationToken)
    {
        var fiber = await fibers.ParkAsync("kube get provider", Latency(), cancellationToken);
        Fail(fiber, "get PowerProvider");
        return providers.TryGetValue(new ObjectKey(ns, name), out var json) ? Read<PowerProviderResource>(json) : null;
    }

    public async Task<string?> GetSecretValueAsync(string ns, string name, string key, CancellationToken cancellationToken)
    {
        var fiber = await fibers.ParkAsync("kube get secret", Latency(), cancellationToken);
        Fail(fiber, "get Secret");
        return Secret(ns, name, key);
    }

    public async Task<ServerPowerResource> PatchServerStatusAsync(ServerPowerResource server, ServerPowerStatus status, bool requireResourceVersion, CancellationToken cancellationToken)
    {
        var key = KeyOf(server.Metadata);
        var fiber = await fibers.ParkAsync("kube patch status", Latency(), cancellationToken);
        Fail(fiber, "patch status");
        var stored = Server(key) ?? throw new SimKubeException(404, $"serverpowers \"{key.Name}\" not found");
        if (requireResourceVersion) CheckVersion(fiber, stored, server, "status");
        // Exactly the real client's patch: the diff from the status it read to the one it wants.
        var diff = MergePatch.Diff(server.Status is null ? null : ApiJson.ToElement(server.Status), ApiJson.ToElement(status), MergePatch.StatusRecords);
        var node = JsonNode.Parse(servers[key])!.AsObject();
        node["status"] = JsonMergePatch.Apply(node["status"], diff);
        var after = Commit(key, stored, node.Deserialize<ServerPowerResource>(ApiJson.Options)!);
        sim.Log($"{fiber.Name}: status{(requireResourceVersion ? "+rv" : "")} → {Describe(after)}");
        monitor.OnStatusWritten(fiber, status, after);
        LoseAnswer(fiber, "status");
        return Read<ServerPowerResource>(ApiJson.Serialize(after));
    }

    public async Task<ServerPowerResource> SetServerFinalizersAsync(ServerPowerResource server, IReadOnlyList<string> finalizers, CancellationToken cancellationToken)
    {
        var key = KeyOf(server.Metadata);
        var fiber = await fibers.ParkAsync("kube patch finalizers", Latency(), cancellationToken);
        Fail(fiber, "patch finalizers");
        var stored = Server(key) ?? throw new SimKubeException(404, $"serverpowers \"{key.Name}\" not found");
        CheckVersion(fiber, stored, server, "finalizers");
        var existing = stored.Metadata.Finalizers ?? [];
        if (stored.Metadata.DeletionTimestamp is not null && finalizers.Any(f => !existing.Contains(f)))
            throw new SimKubeException(422, "no new finalizers can be added if the object is being deleted");
        var after = Server(key)!;
        after.Metadata.Finalizers = finalizers.ToList();
        if (after.Metadata.DeletionTimestamp is not null && finalizers.Count == 0)
        {
            Remove(key, stored);
            sim.Log($"{fiber.Name}: finalizers [] → object deleted");
        }
        else
        {
            after = Commit(key, stored, after);
            sim.Log($"{fiber.Name}: finalizers [{string.Join(",", finalizers)}] → rv {after.Metadata.ResourceVersion}");
        }
        LoseAnswer(fiber, "finalizers");
        return Read<ServerPowerResource>(ApiJson.Serialize(after));
    }

    public Task<PowerProviderResource> PatchProviderStatusAsync(PowerProviderResource provider, PowerProviderStatus status, CancellationToken cancellationToken) =>
        throw new NotSupportedException("the simulation runs the ServerPower reconciler only");

    // ---- Internals. ----

    private ServerPowerResource Commit(ObjectKey key, ServerPowerResource? before, ServerPowerResource after)
    {
        after.Metadata.ResourceVersion = before?.Metadata.ResourceVersion;
        var unchanged = ApiJson.Serialize(after);
        if (before is not null && servers.TryGetValue(key, out var current) && current == unchanged) return before;
        after.Metadata.ResourceVersion = (++version).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var json = ApiJson.Serialize(after);
        servers[key] = json;
        Versions(key).Add((version, json));
        monitor.OnServerStored(before, after);
        ServerChanged?.Invoke(key);
        return after;
    }

    private void Remove(ObjectKey key, ServerPowerResource before)
    {
        servers.Remove(key);
        Versions(key).Add((++version, null));
        monitor.OnServerRemoved(before);
        ServerChanged?.Invoke(key);
    }

    private List<(long Version, string? Json)> Versions(ObjectKey key)
    {
        if (!history.TryGetValue(key, out var list)) history[key] = list = [];
        if (list.Count > 8) list.RemoveAt(0);
        return list;
    }

    private void CheckVersion(Fiber fiber, ServerPowerResource stored, ServerPowerResource sent, string write)
    {
        if (stored.Metadata.ResourceVersion == sent.Metadata.ResourceVersion) return;
        fiber.Conflicted = true;
        sim.Log($"{fiber.Name}: {write} write with rv {sent.Metadata.ResourceVersion} → 409 Conflict (stored rv {stored.Metadata.ResourceVersion})");
        throw new ConflictException("the object changed since it was read (409 Conflict)");
    }

    private void Fail(Fiber fiber, string what)
    {
        if (!faults.Kube(faults.KubeError)) return;
        sim.Fault($"{fiber.Name}: kube {what} → 503");
        throw new SimKubeException(503, $"{what}: the API server is unavailable");
    }

    private void LoseAnswer(Fiber fiber, string what)
    {
        if (!faults.Kube(faults.LostAnswer)) return;
        sim.Fault($"{fiber.Name}: kube {what} write applied, answer lost");
        throw new SimKubeException(504, $"{what}: timeout awaiting the answer (the write was applied)");
    }

    private TimeSpan Latency() => TimeSpan.FromMilliseconds(sim.Rng.Next(2, 30));

    private static T Read<T>(string json) => ApiJson.Deserialize<T>(json) ?? throw new InvalidOperationException("empty object");

    private static ObjectKey KeyOf(V1ObjectMeta meta) => new(meta.NamespaceProperty, meta.Name);

    public static string Describe(ServerPowerResource? s)
    {
        if (s is null) return "not found";
        var st = s.Status;
        var parts = new List<string> { $"rv {s.Metadata.ResourceVersion}" };
        if (s.Metadata.DeletionTimestamp is not null) parts.Add("deleting");
        if (st?.PowerState is { } p) parts.Add($"power {p}");
        if (st?.Restart is { } r) parts.Add($"restart {r.Token}/{r.Phase}");
        if (st?.Rebuild is { } b) parts.Add($"rebuild {b.Token}/{b.Phase}");
        if (st?.LastAction is { } a) parts.Add($"last {a.Type}{(a.Token is null ? "" : $"[{a.Token}]")}/{a.Result}@{Trace.Stamp(a.RequestTime)}");
        if (st?.Conditions?.FirstOrDefault(c => c.Type == "Ready") is { } ready) parts.Add($"Ready {ready.Status}/{ready.Reason}");
        if (st?.Conditions?.FirstOrDefault(c => c.Type == "Synced") is { Status: "False" } synced) parts.Add($"Synced False/{synced.Reason}");
        return string.Join(" ", parts);
    }
}
