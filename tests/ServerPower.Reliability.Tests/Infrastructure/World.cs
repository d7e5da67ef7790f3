using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using ServerPower.Api.Resources;
using ServerPower.Sandbox.Command;
using ServerPower.Sandbox.Kubernetes;
using ServerPower.Sandbox.Providers;

namespace ServerPower.Reliability.Tests.Infrastructure;

/// <summary>
/// One row's world on 127.0.0.1: a Kubernetes API emulator with the project's CRDs, its own provider simulators,
/// and the operator processes it starts, scoped to the row's namespace. A tenant (<see cref="TenantAsync"/>) is a
/// namespace of another world's emulator, reconciled by that world's operator: rows whose faults stay within their
/// own account or namespace share one operator, as the tenants of a cluster do. Everything a secret could leak
/// into (each process's output, its /metrics, events and status) is gathered for the scan.
/// </summary>
public sealed class World : IAsyncDisposable
{
    public const string Group = "power.serverops.io";
    public const string Version = "v1alpha1";
    public const string LeaseNamespace = "serverpower-system";

    private readonly string dir;
    private readonly List<IProviderSimulator> simulators = [];
    private readonly List<OperatorProcess> operators = [];
    private readonly ConcurrentQueue<string> gathered = new();
    private readonly World? owner;
    private int started;

    private World(KubeApiEmulator emulator, string ns, string dir, World? owner)
    {
        Emulator = emulator;
        Ns = ns;
        this.dir = dir;
        this.owner = owner;
        Secrets = owner?.Secrets ?? [];
        Kubeconfig = owner?.Kubeconfig ?? emulator.WriteKubeconfig(Path.Combine(dir, "kubeconfig"));
    }

    /// <summary>A namespace of another world, reconciled by that world's operator.</summary>
    public bool IsTenant => owner is not null;

    public KubeApiEmulator Emulator { get; }

    public string Ns { get; }

    public string Kubeconfig { get; }

    /// <summary>Every secret handed to this world and its tenants (simulator tokens), for the scan.</summary>
    public List<string> Secrets { get; }

    /// <summary>The fast settings every row's operator runs with (the suite is scaled down in time).</summary>
    public static readonly string[] FastTimings = ["--min-poll", "200ms", "--max-poll", "2s", "--resync-period", "10s", "--drain-timeout", "5s"];

    public static async Task<World> StartAsync(string ns, Action<KubeApiEmulatorOptions>? configure = null)
    {
        var options = new KubeApiEmulatorOptions();
        configure?.Invoke(options);
        var emulator = await KubeApiEmulator.StartAsync(options);
        foreach (var crd in Directory.GetFiles(Path.Combine(RepositoryRoot.Find(), "crds"), "*.yaml"))
            await emulator.ApplyYamlAsync(await File.ReadAllTextAsync(crd));
        await emulator.ApplyYamlAsync($"apiVersion: v1\nkind: Namespace\nmetadata: {{name: {ns}}}\n---\napiVersion: v1\nkind: Namespace\nmetadata: {{name: {LeaseNamespace}}}\n");
        return new World(emulator, ns, Directory.CreateTempSubdirectory($"reliability-{ns}-").FullName, null);
    }

    /// <summary>A new namespace of this world's emulator, for a row that shares this world's operator.</summary>
    public async Task<World> TenantAsync(string ns)
    {
        await Emulator.ApplyYamlAsync($"apiVersion: v1\nkind: Namespace\nmetadata: {{name: {ns}}}\n");
        return new World(Emulator, ns, dir, this);
    }

    /// <summary>A simulator for this world, with short state transitions; its token joins <see cref="Secrets"/>.</summary>
    public async Task<IProviderSimulator> SimulatorAsync(ProviderType type = ProviderType.Wenium)
    {
        var simulator = await ProviderSimulators.StartAsync(type, new SimulatorOptions
        {
            StartDelay = TimeSpan.FromMilliseconds(200),
            StopDelay = TimeSpan.FromMilliseconds(200),
            InstallDelay = TimeSpan.FromMilliseconds(500),
            ActionApplyDelay = TimeSpan.FromMilliseconds(50),
        });
        lock (simulators) simulators.Add(simulator);
        lock (Secrets) Secrets.Add(simulator.Token);
        return simulator;
    }

    /// <summary>
    /// An operator process for this world's namespace: leader election off unless asked, plain http allowed, only
    /// 127.0.0.1 (plus <paramref name="extraHosts"/>) allowed as a provider host, and of loopback only 127.0.0.1/32
    /// allowed as an address (the rest of the production default stands). <paramref name="hostAllowlist"/> false: no
    /// host allowlist (the address policy alone decides); <paramref name="extraArgs"/> come last.
    /// </summary>
    public OperatorProcess StartOperator(bool leaderElection = false, bool allowHttp = true, string extraHosts = "", bool allNamespaces = false,
        bool hostAllowlist = true, IReadOnlyList<string>? extraArgs = null)
    {
        if (IsTenant) throw new InvalidOperationException("a tenant is reconciled by its owner's operator");
        var n = Interlocked.Increment(ref started);
        var args = new List<string>
        {
            "--leader-election", leaderElection ? "true" : "false",
            "--leader-election-namespace", LeaseNamespace, "--leader-election-lease", $"serverpower-{Ns}",
            "--allow-http-endpoints", allowHttp ? "true" : "false",
            // Production's outbound policy refuses loopback; the simulators are on 127.0.0.1 only.
            "--allowed-cidrs", "127.0.0.1/32",
        };
        if (hostAllowlist) args.AddRange(["--allowed-endpoint-hosts", "127.0.0.1" + (extraHosts.Length > 0 ? "," + extraHosts : "")]);
        if (!allNamespaces) args.AddRange(["--namespaces", Ns]);
        args.AddRange(FastTimings);
        args.AddRange(extraArgs ?? []);
        var process = OperatorProcess.Start(Kubeconfig, $"{Ns}-operator-{n}", args);
        lock (operators) operators.Add(process);
        return process;
    }

    /// <summary>Stops an operator the hard way, keeping its /metrics text and output for the scan.</summary>
    public async Task KillAsync(OperatorProcess process)
    {
        gathered.Enqueue(await process.MetricsAsync());
        await process.KillAsync();
    }

    public Task ApplyAsync(string yaml) => Emulator.ApplyYamlAsync(yaml, Ns);

    /// <summary>A PowerProvider named <paramref name="name"/> with its Secret, pointed at <paramref name="endpoint"/>.</summary>
    public Task ApplyProviderAsync(string name, ProviderType type, string endpoint, string token) => ApplyAsync($$"""
        apiVersion: v1
        kind: Secret
        metadata: {name: {{name}}-token}
        stringData: {token: "{{token}}"}
        ---
        apiVersion: {{Group}}/{{Version}}
        kind: PowerProvider
        metadata: {name: {{name}}}
        spec:
          type: {{type}}
          endpoint: {{endpoint.TrimEnd('/')}}
          credentialsSecretRef: {name: {{name}}-token, key: token}
        """);

    /// <summary>A merge patch as a user would send it (kubectl patch/annotate), through the API as the admin.</summary>
    public async Task PatchAsync(string plural, string name, JsonObject patch, string? group = Group)
    {
        using var http = Emulator.CreateHttpClient();
        using var content = new StringContent(patch.ToJsonString(), Encoding.UTF8, "application/merge-patch+json");
        using var response = await http.PatchAsync($"{Prefix(group)}/namespaces/{Ns}/{plural}/{name}", content);
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"patch {plural}/{name}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>Deletes this world's namespace (its content goes in the same sweep).</summary>
    public async Task DeleteNamespaceAsync()
    {
        using var http = Emulator.CreateHttpClient();
        using var response = await http.DeleteAsync($"/api/v1/namespaces/{Ns}");
        response.EnsureSuccessStatusCode();
    }

    public JsonObject? Server(string name) => Emulator.GetObject(Group, "serverpowers", Ns, name);

    /// <summary>The reason of a condition of a ServerPower (or, with <paramref name="plural"/>, a PowerProvider).</summary>
    public string? Reason(string name, string type, string plural = "serverpowers") =>
        (Emulator.GetObject(Group, plural, Ns, name)?["status"]?["conditions"] as JsonArray)?
            .FirstOrDefault(c => c?["type"]?.ToString() == type)?["reason"]?.ToString();

    /// <summary>
    /// Events, status of every object and /metrics of the operators still running, and all their output; with how
    /// much of each was gathered, so that an empty haystack cannot pass the scan.
    /// </summary>
    public async Task<Evidence> EvidenceAsync()
    {
        var text = new StringBuilder();
        var scrapes = new List<string>(gathered);
        foreach (var process in Snapshot()) scrapes.Add(await process.MetricsAsync());
        foreach (var scrape in scrapes) text.AppendLine(scrape);
        var lines = 0;
        foreach (var process in Snapshot())
        {
            text.AppendLine(process.Log);
            lines += process.Log.Split('\n').Length;
        }
        var events = Emulator.ListObjects("", "events");
        foreach (var e in events) text.AppendLine(e.ToJsonString());
        var statuses = 0;
        foreach (var plural in new[] { "serverpowers", "powerproviders" })
        {
            foreach (var o in Emulator.ListObjects(Group, plural))
            {
                text.AppendLine(o["status"]?.ToJsonString());
                statuses++;
            }
        }
        foreach (var o in Emulator.ListObjects("", "namespaces")) text.AppendLine(o["status"]?.ToJsonString());
        return new Evidence(text.ToString(), lines, scrapes.Count(m => m.Contains("serverpower_", StringComparison.Ordinal)), events.Count, statuses);
    }

    /// <summary>The output of every operator process of this world so far.</summary>
    public string Logs => string.Join('\n', Snapshot().Select(p => p.Log));

    private List<OperatorProcess> Snapshot()
    {
        lock (operators) return [.. operators, .. owner?.Snapshot() ?? []];
    }

    private static string Prefix(string? group) => string.IsNullOrEmpty(group) ? "/api/v1" : $"/apis/{group}/{Version}";

    public async ValueTask DisposeAsync()
    {
        foreach (var process in operators) await process.DisposeAsync();
        foreach (var simulator in simulators) await simulator.DisposeAsync();
        if (IsTenant) return;
        await Emulator.DisposeAsync();
        Directory.Delete(dir, recursive: true);
    }
}
