using ServerPower.Providers;
using ServerPower.Providers.Contract;
using ServerPower.Providers.Resilience;

namespace ServerPower.Simulation.Tests.Harness;

/// <summary>
/// Gives the real resolver one provider edge per account (equal accounts share one), all over one world. As the real
/// factory does, it keeps the account's own limits (the real <see cref="AccountLimits"/>: rate limit and action slots)
/// per PowerProvider, applied in place when the account changes, so calls in flight on a replaced edge still count.
/// </summary>
internal sealed class SimProviderFactory(SimContext sim, FiberScheduler fibers, ProviderWorld world, FaultPlan faults, Monitor monitor)
    : IPowerProviderFactory
{
    private readonly Dictionary<ProviderAccount, SimProvider> providers = [];
    private readonly Dictionary<string, AccountLimits> limits = [];

    /// <summary>A new operator process: its provider edges and limits are its own (a dead process's slots die with it).</summary>
    public void ProcessStarted()
    {
        providers.Clear();
        limits.Clear();
    }

    public IPowerProvider Get(ProviderAccount account)
    {
        if (!limits.TryGetValue(account.Key, out var own)) limits[account.Key] = own = new AccountLimits(new ProviderOptions(), sim.Clock);
        own.Apply(account.RateLimit, account.MaxConcurrentActions);
        if (!providers.TryGetValue(account, out var provider))
            providers[account] = provider = new SimProvider(sim, fibers, world, faults, monitor, account, own);
        return provider;
    }
}
