using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using ServerPower.Sandbox.Kubernetes.Api;
using ServerPower.Sandbox.Kubernetes.Faults;
using ServerPower.Sandbox.Kubernetes.Http;
using ServerPower.Sandbox.Kubernetes.Rbac;
using ServerPower.Sandbox.Kubernetes.Tls;

namespace ServerPower.Sandbox.Kubernetes;

/// <summary>
/// An in-process kube-apiserver emulator on 127.0.0.1, over plain HTTP or (<see cref="KubeApiEmulatorOptions.Https"/>)
/// HTTPS with HTTP/2 and a CA made at startup: discovery, OpenAPI v3, namespaces, secrets, events, leases, CRDs and
/// the custom resources they define, with scripted faults (<see cref="Faults"/>); see README.md next to this file
/// and the emulator section of src/ServerPower.Sandbox/README.md.
/// </summary>
public sealed class KubeApiEmulator : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly EmulatorState state;
    private readonly EmulatorCertificates? certificates;
    private readonly CancellationTokenSource stopping = new();

    private KubeApiEmulator(WebApplication app, EmulatorState state, Uri baseAddress, EmulatorCertificates? certificates)
    {
        this.app = app;
        this.state = state;
        this.certificates = certificates;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }
    public string AdminToken => state.Options.AdminToken;

    /// <summary>The CA that issued the serving certificate (PEM), for certificate-authority-data; null over plain HTTP.</summary>
    public string? CertificateAuthorityPem => certificates?.CertificateAuthorityPem;

    /// <summary>Faults to inject into requests, by verb, resource and subresource.</summary>
    public ApiFaults Faults => state.Faults;

    public static async Task<KubeApiEmulator> StartAsync(KubeApiEmulatorOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new KubeApiEmulatorOptions();
        var state = new EmulatorState(options);
        SeedNamespaces(state);
        var certificates = options.Https ? EmulatorCertificates.Create(options.TimeProvider) : null;
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore();
        if (certificates is not null) builder.WebHost.UseKestrelHttpsConfiguration();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, options.Port, listen =>
            {
                if (certificates is null) return;
                listen.Protocols = HttpProtocols.Http1AndHttp2; // chosen by ALPN, as with kube-apiserver
                listen.UseHttps(certificates.ServerCertificate);
            });
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
        var scheme = certificates is null ? "http" : "https";
        var emulator = new KubeApiEmulator(app, state, new Uri($"{scheme}://127.0.0.1:{uri.Port}"), certificates);
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

    /// <summary>
    /// Writes a kubeconfig for the admin token (current-context set, namespace default; over HTTPS with the CA as
    /// certificate-authority-data); returns the path.
    /// </summary>
    public string WriteKubeconfig(string path) => WriteKubeconfig(path, $"token: {AdminToken}", "sandbox-admin");

    /// <summary>Writes a kubeconfig whose user is the restricted <paramref name="identity"/>.</summary>
    public string WriteKubeconfigFor(string path, EmulatorIdentity identity) => WriteKubeconfig(path, $"token: {identity.Token}", "sandbox-restricted");

    /// <summary>
    /// Writes a kubeconfig whose user reads its bearer token from <paramref name="tokenFile"/> (kubeconfig
    /// <c>user.tokenFile</c>, as a mounted service-account token is read), so the token can be rotated while clients run.
    /// </summary>
    public string WriteKubeconfigWithTokenFile(string path, string tokenFile) =>
        WriteKubeconfig(path, $"tokenFile: {Path.GetFullPath(tokenFile)}", "sandbox-token-file");

    private string WriteKubeconfig(string path, string credential, string userName)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var ca = CertificateAuthorityPem is { } pem
            ? $"\n    certificate-authority-data: {Convert.ToBase64String(Encoding.ASCII.GetBytes(pem))}"
            : "";
        var yaml = $$"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: sandbox
              cluster:
                server: {{BaseAddress.ToString().TrimEnd('/')}}{{ca}}
            users:
            - name: {{userName}}
              user:
                {{credential}}
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
        using var http = CreateHttpClient();
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

    /// <summary>
    /// An HttpClient for this emulator: admin bearer token, base address, and over HTTPS trusting only the emulator's CA
    /// (HTTP/2 requested, as Kubernetes clients do).
    /// </summary>
    public HttpClient CreateHttpClient()
    {
        var handler = new SocketsHttpHandler();
        if (certificates is not null)
        {
            var ca = X509Certificate2.CreateFromPem(certificates.CertificateAuthorityPem);
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
            {
                if (certificate is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != 0) return false;
                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.Add(ca);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                return chain.Build(new X509Certificate2(certificate));
            };
        }
        var http = new HttpClient(handler)
        {
            BaseAddress = BaseAddress,
            DefaultRequestVersion = HttpVersion.Version20,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
        };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", AdminToken);
        return http;
    }

    /// <summary>From now on <paramref name="token"/> authenticates as <paramref name="identity"/> too (a rotated token).</summary>
    public void AcceptToken(EmulatorIdentity identity, string token) => state.Authorizer.Accept(identity, token);

    /// <summary>From now on <paramref name="token"/> is refused with 401 Unauthorized.</summary>
    public void RevokeToken(string token) => state.Authorizer.Revoke(token);

    /// <summary>Requests authenticated with <paramref name="token"/> so far.</summary>
    public long CountRequestsWithToken(string token) => state.Authorizer.Uses(token);

    /// <summary>
    /// Resource requests received so far (reads and watches included, faulted ones too) matching the resource
    /// (plural), subresource ("" = main), verb and fieldManager query parameter ("" = none); null matches any.
    /// </summary>
    public long CountRequests(string? resource = null, string? subresource = null, string? verb = null, string? fieldManager = null) =>
        state.Requests.Count(resource, subresource, verb, fieldManager);

    /// <summary>Resource requests received so far, by resource, subresource, verb and fieldManager.</summary>
    public IReadOnlyDictionary<RequestKey, long> RequestCounts => state.Requests.Snapshot();

    public void ResetRequestCounts() => state.Requests.Reset();

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

    /// <summary>Ends every open watch stream at once, as a restarting API server does; clients must watch again.</summary>
    public void CloseWatches()
    {
        lock (state.Store.Gate)
        {
            state.Store.CloseAllWatchers();
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
        certificates?.Dispose();
        stopping.Dispose();
    }
}
