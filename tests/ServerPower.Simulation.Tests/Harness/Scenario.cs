using ServerPower.Api.Resources;
using ServerPower.Runtime;

namespace ServerPower.Simulation.Tests.Harness;

/// <summary>
/// The names of one seed's world: one namespace, one PowerProvider and its Secret, one or two servers (three with a
/// spec.startAfter graph: db, mc and web, so name order, the order Argo CD applies them in, puts dependencies first).
/// </summary>
internal sealed class Scenario
{
    public const string ScheduleName = "hours";

    public const string Ns = "games";
    public const string ProviderName = "main";
    public const string SecretName = "creds";
    public const string SecretKey = "token";

    public Scenario(SimContext sim, FlowPlan flows)
    {
        Flows = flows;
        ProviderType = sim.Rng.Next(8) switch
        {
            < 3 => ProviderType.Wenium,
            < 5 => ProviderType.PterodactylPanel,
            < 7 => ProviderType.Wings,
            _ => ProviderType.Heo,
        };
        var names = new[] { ("mc", "1001"), ("web", "1002") };
        Servers = names.Take(sim.Chance(0.3) ? 2 : 1).Select(n => (new ObjectKey(Ns, n.Item1), n.Item2)).ToList();
        if (flows.Order != OrderGraph.None)
            Servers = [.. names.Select(n => (new ObjectKey(Ns, n.Item1), n.Item2)), (new ObjectKey(Ns, "db"), "1004")];
    }

    public FlowPlan Flows { get; }

    /// <summary>spec.startAfter of a server as first applied: web lists mc and mc lists db; a cycle adds db listing web.</summary>
    public IReadOnlyList<string>? StartAfter(string name) => (Flows.Order, name) switch
    {
        (OrderGraph.None, _) => null,
        (_, "web") => ["mc"],
        (_, "mc") => ["db"],
        (OrderGraph.Cycle, "db") => ["web"],
        _ => null,
    };

    public ProviderType ProviderType { get; }

    public ObjectKey ProviderKey { get; } = new(Ns, ProviderName);

    public IReadOnlyList<(ObjectKey Key, string ServerId)> Servers { get; }

    public IEnumerable<string> Names => Servers.Select(s => s.Key.Name);

    /// <summary>
    /// Every server id at the provider: the servers' own, and one no manifest names at first. Users point objects at
    /// any of them (spec.serverId edits), so two objects may declare one server.
    /// </summary>
    public IReadOnlyList<string> ServerIds => [.. Servers.Select(s => s.ServerId), "1003"];

    /// <summary>The PowerProvider, with the account's own limits as users last set them (the CRD's defaults at first).</summary>
    public PowerProviderResource Provider(RateLimitSpec? rateLimit = null, int maxConcurrentActions = PowerProviderSpec.DefaultMaxConcurrentActions) => new()
    {
        Metadata = new() { Name = ProviderName, NamespaceProperty = Ns },
        Spec = new PowerProviderSpec
        {
            Type = ProviderType,
            Endpoint = "https://provider.example.com/api",
            CredentialsSecretRef = new SecretKeyReference { Name = SecretName, Key = SecretKey },
            RateLimit = rateLimit ?? new RateLimitSpec(),
            MaxConcurrentActions = maxConcurrentActions,
        },
    };
}
