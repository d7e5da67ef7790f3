using System.Net;
using System.Text.Json.Nodes;
using k8s.Models;
using ServerPower.Api.Resources;
using ServerPower.Api.Serialization;
using ServerPower.Operator.Kubernetes;
using ServerPower.Runtime;
using StatusDiff = ServerPower.Operator.Kubernetes.MergePatch;
using StatusMerge = ServerPower.Sandbox.Kubernetes.Api.MergePatch;

namespace ServerPower.Systematic.Tests;

/// <summary>
/// An in-memory API server for ServerPowers: the informer's list and watch (<see cref="ScriptedLog{T}"/>) and the
/// reconciler's writes (<see cref="IResourceClient"/>), each call a step. A status write with the resourceVersion
/// precondition meets <see cref="ConflictException"/> on a stale object; the finalizers are replaced checked against
/// the resourceVersion and none can be added to an object being deleted; deletion waits for the finalizers; every
/// write that changes the object is a watch event. A status write is the real client's JSON merge patch (the diff from
/// the status it read to the one it wants, MergePatch.Diff as KubernetesResourceClient builds it) applied to the stored
/// status as the API server applies it (RFC 7386, the Sandbox's MergePatch.Apply), so two replicas' writes merge (an
/// old leader's outcome written without the precondition after the new leader wrote too). Faults: a foreign write (a
/// label, so a reconcile's next write meets a conflict) and a lost answer (the write is applied, its answer never comes).
/// The one PowerProvider and its Secret never change.
/// </summary>
internal sealed class ServerPowerApi(DeterministicScheduler scheduler, TimeProvider time)
    : ScriptedLog<ServerPowerResource>(scheduler, Copy), IResourceClient
{
    public const string Namespace = "ns";
    public const string ProviderName = "wings";
    private const string SecretName = "wings-token";

    private readonly Dictionary<ObjectKey, long> declaredSince = [];
    private int uids;
    private int labels;
    private int loseAnswers;

    /// <summary>The PowerProvider every ServerPower names: a Wings node on a loopback address no one connects to.</summary>
    public PowerProviderResource Provider { get; } = new()
    {
        Metadata = new V1ObjectMeta { NamespaceProperty = Namespace, Name = ProviderName, ResourceVersion = "1", Generation = 1 },
        Spec = new PowerProviderSpec
        {
            Type = ProviderType.Wings,
            Endpoint = "https://127.0.0.1:8443",
            CredentialsSecretRef = new SecretKeyReference { Name = SecretName, Key = "token" },
        },
    };

    /// <summary>
    /// Told the object as stored when its first status lands: the operator's first sight of it ("no status yet",
    /// crds/README.md), whose tokens must be adopted.
    /// </summary>
    public Action<ServerPowerResource>? FirstStatus { get; set; }

    /// <summary>The object as stored now (a copy), or null.</summary>
    public ServerPowerResource? Server(ObjectKey key)
    {
        lock (Gate) return Stored.TryGetValue(key, out var server) ? Copy(server) : null;
    }

    /// <summary>Told the object as stored after each status write that landed (an action's record, right before it is sent).</summary>
    public Action<ServerPowerResource>? StatusWritten { get; set; }

    /// <summary>The resourceVersion at which the object came to declare its spec.serverId (created or edited to it).</summary>
    public long DeclaredSince(ObjectKey key)
    {
        lock (Gate) return declaredSince.GetValueOrDefault(key);
    }

    /// <summary>The next write's answer is lost: the write is applied, the caller sees a transport error.</summary>
    public void LoseNextAnswer()
    {
        lock (Gate) loseAnswers++;
    }

    /// <summary>No more lost answers (the scenario's faults have stopped).</summary>
    public void Calm()
    {
        lock (Gate) loseAnswers = 0;
    }

    // ---- A person's and other controllers' writes: immediate. ----

    public void Create(ObjectKey key, ServerPowerSpec spec, IDictionary<string, string>? annotations)
    {
        lock (Gate)
        {
            if (Stored.ContainsKey(key)) return;
            Record(WatchEventKind.Added, new ServerPowerResource
            {
                Metadata = new V1ObjectMeta
                {
                    NamespaceProperty = key.Namespace, Name = key.Name, Uid = $"uid-{++uids}", Generation = 1,
                    CreationTimestamp = time.GetUtcNow().UtcDateTime, Annotations = annotations,
                },
                Spec = spec,
            });
            declaredSince[key] = long.Parse(Version);
        }
    }

    /// <summary>A person's edit (kubectl apply, annotate): a changed spec is a new generation.</summary>
    public void Edit(ObjectKey key, Func<ServerPowerResource, ServerPowerResource> change)
    {
        lock (Gate)
        {
            if (!Stored.TryGetValue(key, out var before)) return;
            var after = change(Copy(before));
            if (ApiJson.Serialize(after.Spec) != ApiJson.Serialize(before.Spec)) after.Metadata.Generation = (before.Metadata.Generation ?? 1) + 1;
            if (!Commit(key, before, after)) return;
            if (after.Spec.ServerId != before.Spec.ServerId) declaredSince[key] = long.Parse(Version);
        }
    }

    /// <summary>Another controller sets a label: the object's resourceVersion moves under the reconciler.</summary>
    public void ForeignWrite(ObjectKey key) =>
        Edit(key, s =>
        {
            s.Metadata.Labels = new Dictionary<string, string> { ["team"] = $"t{++labels}" };
            return s;
        });

    /// <summary>kubectl delete: gone at once without finalizers, else marked for deletion.</summary>
    public void Delete(ObjectKey key)
    {
        lock (Gate)
        {
            if (!Stored.TryGetValue(key, out var before) || before.Metadata.DeletionTimestamp is not null) return;
            if (before.Metadata.Finalizers is not { Count: > 0 })
            {
                Record(WatchEventKind.Deleted, Copy(before));
                return;
            }
            var after = Copy(before);
            after.Metadata.DeletionTimestamp = time.GetUtcNow().UtcDateTime;
            after.Metadata.Generation = (before.Metadata.Generation ?? 1) + 1;
            Commit(key, before, after);
        }
    }

    // ---- The reconciler's side: every call a step. ----

    public async Task<ServerPowerResource?> GetServerAsync(string ns, string name, CancellationToken cancellationToken)
    {
        await Call("get ServerPower");
        return Server(new ObjectKey(ns, name));
    }

    public Task<ServerPowerResource?> GetLiveAsync(string ns, string name, CancellationToken cancellationToken) =>
        GetServerAsync(ns, name, cancellationToken);

    public async Task<PowerProviderResource?> GetProviderAsync(string ns, string name, CancellationToken cancellationToken)
    {
        await Call("get PowerProvider");
        return ns == Namespace && name == ProviderName ? Provider : null;
    }

    public async Task<string?> GetSecretValueAsync(string ns, string name, string key, CancellationToken cancellationToken)
    {
        await Call("get Secret");
        return ns == Namespace && name == SecretName && key == "token" ? "wings-token-value" : null;
    }

    public async Task<ServerPowerResource> PatchServerStatusAsync(ServerPowerResource server, ServerPowerStatus status,
        bool requireResourceVersion, CancellationToken cancellationToken)
    {
        var key = ObjectKey.From(server.Metadata);
        await Call("patch status");
        lock (Gate)
        {
            var stored = Existing(key);
            if (requireResourceVersion) CheckVersion(stored, server);
            if (stored.Status is null) FirstStatus?.Invoke(stored);
            var after = Copy(stored);
            after.Status = Merged(stored.Status, server.Status, status);
            Commit(key, stored, after);
            StatusWritten?.Invoke(Copy(Stored[key]));
            return Answer(Stored[key]);
        }
    }

    public async Task<ServerPowerResource> SetServerFinalizersAsync(ServerPowerResource server, IReadOnlyList<string> finalizers,
        CancellationToken cancellationToken)
    {
        var key = ObjectKey.From(server.Metadata);
        await Call("patch finalizers");
        lock (Gate)
        {
            var stored = Existing(key);
            CheckVersion(stored, server);
            var existing = stored.Metadata.Finalizers ?? [];
            if (stored.Metadata.DeletionTimestamp is not null && finalizers.Any(f => !existing.Contains(f)))
                throw Refused(HttpStatusCode.UnprocessableEntity);
            var after = Copy(stored);
            after.Metadata.Finalizers = [.. finalizers];
            if (after.Metadata.DeletionTimestamp is not null && finalizers.Count == 0)
            {
                Record(WatchEventKind.Deleted, after);
                return Answer(after);
            }
            Commit(key, stored, after);
            return Answer(Stored[key]);
        }
    }

    public Task<PowerProviderResource> PatchProviderStatusAsync(PowerProviderResource provider, PowerProviderStatus status,
        CancellationToken cancellationToken) => throw new NotSupportedException("the scenario runs the ServerPower reconciler only");

    private async Task Call(string what)
    {
        Scheduler.CheckThread(what);
        await Scheduler.Yield();
    }

    /// <summary>
    /// The stored status after the client's merge patch: the diff of the status it read against the one it wants, as
    /// KubernetesResourceClient sends it, applied as the API server applies a merge patch.
    /// </summary>
    private static ServerPowerStatus? Merged(ServerPowerStatus? stored, ServerPowerStatus? read, ServerPowerStatus wanted)
    {
        var patch = StatusDiff.Diff(read is null ? null : ApiJson.ToElement(read), ApiJson.ToElement(wanted), StatusDiff.StatusRecords);
        var merged = StatusMerge.Apply(stored is null ? null : JsonNode.Parse(ApiJson.Serialize(stored)), patch);
        return merged is null ? null : ApiJson.Deserialize<ServerPowerStatus>(merged.ToJsonString());
    }

    private ServerPowerResource Existing(ObjectKey key) =>
        Stored.TryGetValue(key, out var stored) ? stored : throw Refused(HttpStatusCode.NotFound);

    private static void CheckVersion(ServerPowerResource stored, ServerPowerResource sent)
    {
        if (stored.Metadata.ResourceVersion != sent.Metadata.ResourceVersion)
            throw new ConflictException("the object changed since it was read (409 Conflict)");
    }

    /// <summary>The written object, or, when its answer is to be lost, the transport error the caller sees instead.</summary>
    private ServerPowerResource Answer(ServerPowerResource written)
    {
        if (loseAnswers == 0) return Copy(written);
        loseAnswers--;
        throw new HttpRequestException("the write was applied, its answer lost (injected)");
    }

    /// <summary>Stores a change; a write that changes nothing keeps the resourceVersion and makes no event (false).</summary>
    private bool Commit(ObjectKey key, ServerPowerResource before, ServerPowerResource after)
    {
        after.Metadata.ResourceVersion = before.Metadata.ResourceVersion;
        if (ApiJson.Serialize(after) == ApiJson.Serialize(before)) return false;
        Record(WatchEventKind.Modified, after);
        return Stored.ContainsKey(key);
    }

    private static ServerPowerResource Copy(ServerPowerResource server) =>
        ApiJson.Deserialize<ServerPowerResource>(ApiJson.Serialize(server)) ?? throw new InvalidOperationException("empty object");
}
