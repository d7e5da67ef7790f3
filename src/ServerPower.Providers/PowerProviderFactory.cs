using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ServerPower.Api.Resources;
using ServerPower.Providers.Adapters;
using ServerPower.Providers.Adapters.Heo;
using ServerPower.Providers.Adapters.PterodactylPanel;
using ServerPower.Providers.Adapters.Wenium;
using ServerPower.Providers.Adapters.Wings;
using ServerPower.Providers.Contract;
using ServerPower.Providers.Http;
using ServerPower.Providers.Resilience;

namespace ServerPower.Providers;

/// <summary>
/// One provider instance per account: an equal <see cref="ProviderAccount"/> gets the same instance (its circuit
/// breaker and batch cache); a changed account (new token, endpoint, limits, CA) replaces it. A replaced instance
/// is not disposed, since calls may still be using it; it is collected after. What bounds the account is kept per
/// account key instead (<see cref="AccountLimits"/>: the 429 wait, the actions in flight, the token bucket and the
/// waiting servers' turns; one small object per PowerProvider that exists), and a changed account's limits are
/// applied to it in place: a new rate or bound takes effect at once, for the calls of the replaced instance too,
/// and no change frees a slot still in use or refills the bucket.
/// </summary>
public sealed class PowerProviderFactory : IPowerProviderFactory
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, (ProviderAccount Account, IPowerProvider Provider)> providers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, AccountLimits> limits = new(StringComparer.Ordinal);
    private readonly IHttpClientFactory httpClientFactory;
    private readonly ProviderHttpClients clientNames;
    private readonly ProviderOptions options;
    private readonly ILoggerFactory loggerFactory;
    private readonly TimeProvider timeProvider;
    private readonly IReadOnlyList<IProviderCircuitObserver> circuitObservers;

    internal PowerProviderFactory(
        IHttpClientFactory httpClientFactory,
        ProviderHttpClients clientNames,
        IOptions<ProviderOptions> options,
        ILoggerFactory loggerFactory,
        TimeProvider timeProvider,
        IEnumerable<IProviderCircuitObserver> circuitObservers)
    {
        this.circuitObservers = [.. circuitObservers];
        this.httpClientFactory = httpClientFactory;
        this.clientNames = clientNames;
        this.options = options.Value;
        this.loggerFactory = loggerFactory;
        this.timeProvider = timeProvider;
    }

    public IPowerProvider Get(ProviderAccount account)
    {
        lock (gate)
        {
            if (providers.TryGetValue(account.Key, out var existing) && existing.Account == account)
            {
                return existing.Provider;
            }

            if (!limits.TryGetValue(account.Key, out var shared))
            {
                shared = new AccountLimits(options, timeProvider);
                limits[account.Key] = shared;
            }

            shared.Apply(account.RateLimit, account.MaxConcurrentActions);
            var provider = Create(account, shared);
            providers[account.Key] = (account, provider);
            return provider;
        }
    }

    public void Release(string accountKey)
    {
        lock (gate)
        {
            providers.Remove(accountKey);
            limits.Remove(accountKey);
        }
    }

    /// <summary>How many accounts have a provider instance (bounded by the PowerProviders that exist).</summary>
    public int Accounts
    {
        get { lock (gate) return providers.Count; }
    }

    private IPowerProvider Create(ProviderAccount account, AccountLimits shared)
    {
        var logger = loggerFactory.CreateLogger($"ServerPower.Providers.{account.Type}");
        var http = new ProviderHttpClient(httpClientFactory, clientNames.NameFor(account.CaBundlePem), account, options, timeProvider, logger);
        CircuitChanged(account.Key, false);
        var pipeline = new ProviderPipeline(account, options, shared, timeProvider, logger, open => CircuitChanged(account.Key, open));
        var context = new ProviderContext(account, http, pipeline, options, timeProvider, logger);
        return account.Type switch
        {
            ProviderType.Wenium => new WeniumProvider(context),
            ProviderType.PterodactylPanel => new PterodactylPanelProvider(context),
            ProviderType.Wings => new WingsProvider(context),
            ProviderType.Heo => new HeoProvider(context),
            _ => throw new ArgumentOutOfRangeException(nameof(account), account.Type, "unknown provider type"),
        };
    }

    private void CircuitChanged(string accountKey, bool open)
    {
        foreach (var observer in circuitObservers) observer.CircuitChanged(accountKey, open);
    }
}
