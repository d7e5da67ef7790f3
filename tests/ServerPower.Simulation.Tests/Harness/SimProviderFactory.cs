using ServerPower.Providers.Contract;

namespace ServerPower.Simulation.Tests.Harness;

/// <summary>Gives the real resolver one provider edge per account (equal accounts share one), all over one world.</summary>
internal sealed class SimProviderFactory(SimContext sim, FiberScheduler fibers, ProviderWorld world, FaultPlan faults, Monitor monitor)
    : IPowerProviderFactory
{
    private readonly Dictionary<ProviderAccount, SimProvider> providers = [];

    public IPowerProvider Get(ProviderAccount account)
    {
        if (!providers.TryGetValue(account, out var provider))
            providers[account] = provider = new SimProvider(sim, fibers, world, faults, monitor, account);
        return provider;
    }
}
