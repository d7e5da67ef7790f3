using System.Globalization;
using System.Text;
using ServerPower.Api.Resources;
using ServerPower.Sandbox.Providers;
using ServerPower.Sandbox.Providers.Core;

namespace ServerPower.Benchmarks;

/// <summary>One provider account: its simulator and the name of its PowerProvider.</summary>
public sealed record Account(string Name, IProviderSimulator Simulator);

/// <summary>One ServerPower and where its server lives.</summary>
public sealed record FleetServer(string Name, string ServerId, Account Account);

/// <summary>The simulators, accounts and servers of a run, and their manifests.</summary>
public sealed class Fleet : IAsyncDisposable
{
    private Fleet(IReadOnlyList<Account> accounts, IReadOnlyList<FleetServer> servers)
    {
        Accounts = accounts;
        Servers = servers;
    }

    public IReadOnlyList<Account> Accounts { get; }

    public IReadOnlyList<FleetServer> Servers { get; }

    public static async Task<Fleet> StartAsync(BenchmarkOptions options, CancellationToken cancellationToken)
    {
        var latency = TimeSpan.FromMilliseconds(options.LatencyMs);
        var burst = Math.Max(1, (int)Math.Ceiling(options.ProviderRps));
        var accounts = new List<Account>();
        for (var i = 0; i < options.Providers; i++)
        {
            var type = i % 2 == 0 ? ProviderType.Wenium : ProviderType.Wings;
            var simulator = await ProviderSimulators.StartAsync(type, new SimulatorOptions
            {
                StartDelay = latency,
                StopDelay = latency,
                RateLimit = new SimulatorRateLimit(options.ProviderRps, burst, TimeSpan.FromSeconds(1)),
                RecordRequests = true,
            }, cancellationToken);
            accounts.Add(new Account($"{type.ToString().ToLowerInvariant()}-{i}", simulator));
        }
        var servers = new List<FleetServer>();
        for (var n = 0; n < options.Servers; n++)
        {
            var account = accounts[n % accounts.Count];
            var id = account.Simulator.Type == ProviderType.Wenium
                ? (100_000 + n).ToString(CultureInfo.InvariantCulture)
                : new Guid(n, 0, 0, new byte[8]).ToString();
            account.Simulator.AddServer(id, SimPowerState.Offline);
            servers.Add(new FleetServer($"srv-{n:D5}", id, account));
        }
        return new Fleet(accounts, servers);
    }

    public string ProvidersYaml(string ns, BenchmarkOptions options)
    {
        var yaml = new StringBuilder($"apiVersion: v1\nkind: Namespace\nmetadata: {{name: {ns}}}\n");
        var burst = Math.Max(1, (int)Math.Ceiling(options.ProviderRps));
        foreach (var account in Accounts)
        {
            yaml.Append(CultureInfo.InvariantCulture, $$"""
                ---
                apiVersion: v1
                kind: Secret
                metadata: {name: {{account.Name}}-token, namespace: {{ns}}}
                stringData: {token: "{{account.Simulator.Token}}"}
                ---
                apiVersion: power.serverops.io/v1alpha1
                kind: PowerProvider
                metadata: {name: {{account.Name}}, namespace: {{ns}}}
                spec:
                  type: {{account.Simulator.Type}}
                  endpoint: {{account.Simulator.BaseAddress.ToString().TrimEnd('/')}}
                  credentialsSecretRef: {name: {{account.Name}}-token, key: token}
                  rateLimit: {requestsPerSecond: {{options.ProviderRps}}, burst: {{burst}}}

                """);
        }
        return yaml.ToString();
    }

    public static string ServerYaml(string ns, FleetServer server, string state) => $$"""
        apiVersion: power.serverops.io/v1alpha1
        kind: ServerPower
        metadata: {name: {{server.Name}}, namespace: {{ns}}}
        spec:
          providerRef: {name: {{server.Account.Name}}}
          serverId: "{{server.ServerId}}"
          state: {{state}}
        """;

    /// <summary>Provider requests received since the bookmark (all when null), by kind (see <see cref="ProviderCalls"/>).</summary>
    public ProviderCalls Calls(IReadOnlyDictionary<Account, int>? since = null)
    {
        long batch = 0, single = 0, other = 0, actions = 0, refused = 0;
        foreach (var request in Accounts.SelectMany(a => Since(a, since)))
        {
            var path = request.Path.TrimEnd('/');
            if (request.Method != "GET")
            {
                actions++;
                if (request.TooManyRequests) refused++;
            }
            else if (path.EndsWith("/api/servers", StringComparison.Ordinal)) batch++;
            else if (path.Contains("/api/servers/", StringComparison.Ordinal)) single++;
            else other++;
        }
        return new ProviderCalls(batch, single, other, actions, refused);
    }

    /// <summary>
    /// Servers that received more than one POST since the bookmark, by provider type: explained by a 429 when one of
    /// its POSTs was refused by the simulator's rate limit and at most one was accepted. One pass over each log.
    /// </summary>
    public IReadOnlyDictionary<string, RepeatedActions> ServersWithRepeatedActions(IReadOnlyDictionary<Account, int> since) =>
        Accounts.GroupBy(a => a.Simulator.Type.ToString()).ToDictionary(
            g => g.Key,
            g =>
            {
                var posts = g.SelectMany(a => Since(a, since).Where(r => r.Method == "POST").Select(r => (a, r)))
                    .GroupBy(p => (p.a, p.r.Path), p => p.r.TooManyRequests)
                    .Where(p => p.Count() > 1)
                    .ToList();
                var explained = posts.Count(p => p.Any(refused => refused) && p.Count(refused => !refused) <= 1);
                return new RepeatedActions(explained, posts.Count - explained);
            });

    /// <summary>Requests answered 429 by every simulator's own rate limit so far (their counters).</summary>
    public long TooManyRequestsAnswered() => Accounts.Sum(a => a.Simulator.TooManyRequestsAnswered);

    /// <summary>A bookmark into every request log, for <see cref="Calls"/>.</summary>
    public IReadOnlyDictionary<Account, int> Bookmark() =>
        Accounts.ToDictionary(a => a, a => a.Simulator.Requests.Snapshot().Count);

    /// <summary>Empties every request log (the latency samples scan the log on every poll; it must stay short).</summary>
    public void ClearRequestLogs()
    {
        foreach (var account in Accounts) account.Simulator.Requests.Clear();
    }

    private static IEnumerable<RecordedRequest> Since(Account account, IReadOnlyDictionary<Account, int>? since) =>
        account.Simulator.Requests.Snapshot().Skip(since?.GetValueOrDefault(account) ?? 0);

    public async ValueTask DisposeAsync()
    {
        foreach (var account in Accounts) await account.Simulator.DisposeAsync();
    }
}
