using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using ServerPower.Sandbox.Kubernetes.Api;
using ServerPower.Sandbox.Kubernetes.Http;
using ServerPower.Sandbox.Kubernetes.Rbac;

namespace ServerPower.Sandbox.Kubernetes;

/// <summary>
/// An in-process kube-apiserver emulator over plain HTTP on 127.0.0.1: discovery, OpenAPI v3, namespaces,
/// secrets, events, leases, CRDs and the custom resources they define (see /work/helpers/emulator-readme.md).
/// </summary>
public sealed class KubeApiEmulator : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly EmulatorState state;
    private readonly CancellationTokenSource stopping = new();

    private KubeApiEmulator(WebApplication app, EmulatorState state, Uri baseAddress)
    {
        this.app = app;
        this.state = state;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }
    public string AdminToken => state.Options.AdminToken;

    public static async Task<KubeApiEmulator> StartAsync(KubeApiEmulatorOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new KubeApiEmulatorOptions();
        var state = new EmulatorState(options);
        SeedNamespaces(state);
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, options.Port);
            k.Limits.MaxRequestBodySize = 16 * 1024 * 1024;
        });
        var app = builder.Build();
        var stoppingCts = new CancellationTokenSource();
        var router = new RequestRouter(state, stoppingCts.Token);
        app.Run(router.HandleAsync);
        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var uri = new Uri(address.Replace("[::1]", "127.0.0.1", StringComparison.Ordinal));
        router.ServerAddress = $"127.0.0.1:{uri.Port}";
        var emulator = new KubeApiEmulator(app, state, new Uri($"http://127.0.0.1:{uri.Port}"));
        emulator.stopping.Token.Register(stoppingCts.Cancel);
        return emulator;
    }

    private static void SeedNamespaces(EmulatorState state)
    {
        lock (state.Store.Gate)
        {
            foreach (var ns in state.Options.InitialNamespaces)
            {
                var obj = new JsonObject
                {
                    ["apiVersion"] = "v1",
                    ["kind"] = "Namespace",
                    ["metadata"] = new JsonObject
                    {
                        ["name"] = ns,
                        ["uid"] = Guid.NewGuid().ToString(),
                        ["creationTimestamp"] = ObjectMeta.Timestamp(state.Time),
                        ["labels"] = new JsonObject { ["kubernetes.io/metadata.name"] = ns },
                    },
                    ["spec"] = new JsonObject { ["finalizers"] = new JsonArray("kubernetes") },
                    ["status"] = new JsonObject { ["phase"] = "Active" },
                };
                state.Store.Put(BuiltinResources.Namespaces.StorageKey, obj);
            }
        }
    }

    /// <summary>Writes a kubeconfig for the admin token (current-context set, namespace default); returns the path.</summary>
    public string WriteKubeconfig(string path) => WriteKubeconfig(path, AdminToken, "sandbox-admin");

    /// <summary>Writes a kubeconfig whose user is the restricted <paramref name="identity"/>.</summary>
    public string WriteKubeconfigFor(string path, EmulatorIdentity identity) => WriteKubeconfig(path, identity.Token, "sandbox-restricted");

    private string WriteKubeconfig(string path, string token, string userName)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var yaml = $$"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: sandbox
              cluster:
                server: {{BaseAddress.ToString().TrimEnd('/')}}
            users:
            - name: {{userName}}
              user:
                token: {{token}}
            contexts:
            - name: sandbox
              context:
                cluster: sandbox
                user: {{userName}}
                namespace: default
            current-context: sandbox
            preferences: {}

            """;
        File.WriteAllText(full, yaml);
        return full;
    }

    /// <summary>
    /// Creates or updates (like a plain <c>kubectl apply</c> without the last-applied bookkeeping) every object of
    /// a multi-document YAML, in order, through the HTTP API as the admin. Waits for nothing: a CRD is served as
    /// soon as it is stored. Returns the number of objects written; a refused object throws <see cref="KubeApiException"/>.
    /// </summary>
    public async Task<int> ApplyYamlAsync(string yaml, string defaultNamespace = "default", CancellationToken cancellationToken = default)
    {
        using var http = new HttpClient { BaseAddress = BaseAddress };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", AdminToken);
        var count = 0;
        foreach (var doc in YamlJson.ParseDocuments(yaml))
        {
            var apiVersion = doc["apiVersion"]?.ToString() ?? "";
            var slash = apiVersion.IndexOf('/');
            var (group, version) = slash < 0 ? ("", apiVersion) : (apiVersion[..slash], apiVersion[(slash + 1)..]);
            var type = state.Registry.FindByKind(group, version, doc["kind"]?.ToString() ?? "")
                       ?? throw KubeStatus.BadRequest($"no kind \"{doc["kind"]}\" is registered for version \"{apiVersion}\"");
            var meta = ObjectMeta.Of(doc);
            var ns = type.Namespaced ? meta["namespace"]?.ToString() ?? defaultNamespace : "";
            var prefix = group.Length == 0 ? "/api/v1" : $"/apis/{group}/{version}";
            var collection = type.Namespaced ? $"{prefix}/namespaces/{ns}/{type.Plural}" : $"{prefix}/{type.Plural}";
            var name = meta["name"]?.ToString() ?? "";
            using var created = await http.PostAsync(collection, Content(doc), cancellationToken);
            if (created.StatusCode == HttpStatusCode.Conflict && name.Length > 0)
            {
                var current = JsonNode.Parse(await http.GetStringAsync($"{collection}/{name}", cancellationToken))!;
                meta["resourceVersion"] = current["metadata"]!["resourceVersion"]!.ToString();
                if (type.HasStatus && current["status"] is { } status) doc["status"] = status.DeepClone();
                using var replaced = await http.PutAsync($"{collection}/{name}", Content(doc), cancellationToken);
                await EnsureSuccessAsync(replaced, cancellationToken);
            }
            else
            {
                await EnsureSuccessAsync(created, cancellationToken);
            }
            count++;
        }
        return count;
    }

    private static StringContent Content(JsonObject doc) => new(doc.ToJsonString(), System.Text.Encoding.UTF8, "application/json");

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken ct)
    {
        if (response.IsSuccessStatusCode) return;
        var status = JsonNode.Parse(await response.Content.ReadAsStringAsync(ct));
        throw new KubeApiException((int)response.StatusCode, status?["reason"]?.ToString() ?? "Unknown", status?["message"]?.ToString() ?? response.ReasonPhrase ?? "");
    }

    /// <summary>Write requests received so far, by resource (plural), subresource ("" = main) and verb.</summary>
    public IReadOnlyDictionary<WriteKey, long> WriteCounts => state.Writes.Snapshot();

    /// <summary>Sum of write requests matching the given resource, subresource and verb (null = any).</summary>
    public long CountWrites(string? resource = null, string? subresource = null, string? verb = null) =>
        state.Writes.Count(resource, subresource, verb);

    public void ResetWriteCounts() => state.Writes.Reset();

    /// <summary>Reads an object directly from the store (group "" for core); null when absent.</summary>
    public JsonObject? GetObject(string group, string plural, string? ns, string name)
    {
        lock (state.Store.Gate)
        {
            return state.Store.Get($"{group}/{plural}", ns ?? "", name)?.Parse();
        }
    }

    /// <summary>All objects of a resource, optionally in one namespace, ordered by namespace and name.</summary>
    public IReadOnlyList<JsonObject> ListObjects(string group, string plural, string? ns = null)
    {
        lock (state.Store.Gate)
        {
            return state.Store.List($"{group}/{plural}", ns).Select(o => o.Parse()).ToList();
        }
    }

    /// <summary>The newest resourceVersion handed out.</summary>
    public long CurrentResourceVersion
    {
        get
        {
            lock (state.Store.Gate)
            {
                return state.Store.CurrentResourceVersion;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        lock (state.Store.Gate)
        {
            state.Store.CloseAllWatchers();
        }
        await app.StopAsync(CancellationToken.None);
        await app.DisposeAsync();
        stopping.Dispose();
    }
}
