using Microsoft.Extensions.DependencyInjection;
using ServerPower.Api.Resources;
using ServerPower.Providers.Contract;
using ServerPower.Providers.Tests.Support;

namespace ServerPower.Providers.Tests;

public sealed class FactoryTests
{
    private static ProviderAccount Account(string token = "t0ken-value", int maxConcurrent = 4, double rps = 5) => new(
        "ns/wenium-main", ProviderType.Wenium, new Uri("https://console.wenium.com/api"), new SecretValue(token),
        new RateLimitSpec { RequestsPerSecond = rps, Burst = 10 }, maxConcurrent);

    [Fact]
    public void An_equal_account_gets_the_same_instance()
    {
        using var harness = new ProviderHarness();

        Assert.Same(harness.Factory.Get(Account()), harness.Factory.Get(Account()));
    }

    [Fact]
    public void A_changed_account_gets_a_new_instance()
    {
        using var harness = new ProviderHarness();
        var first = harness.Factory.Get(Account());

        Assert.NotSame(first, harness.Factory.Get(Account(token: "rotated-token")));
        Assert.NotSame(first, harness.Factory.Get(Account(maxConcurrent: 2)));
        Assert.NotSame(first, harness.Factory.Get(Account(rps: 1)));
    }

    [Fact]
    public void A_released_account_is_forgotten_and_a_new_one_starts_fresh()
    {
        using var harness = new ProviderHarness();
        var factory = (PowerProviderFactory)harness.Factory;
        var first = factory.Get(Account());
        Assert.Equal(1, factory.Accounts);

        factory.Release("ns/wenium-main");

        Assert.Equal(0, factory.Accounts);
        Assert.NotSame(first, factory.Get(Account()));
    }

    [Theory]
    [InlineData(ProviderType.Wenium, true, true, false)]
    [InlineData(ProviderType.PterodactylPanel, true, false, true)]
    [InlineData(ProviderType.Wings, true, true, true)]
    [InlineData(ProviderType.Heo, false, false, false)]
    public void Each_type_declares_its_capabilities(ProviderType type, bool readsState, bool batchReads, bool kills)
    {
        using var harness = new ProviderHarness();
        var provider = harness.Factory.Get(Account() with { Type = type });

        Assert.Equal(type, provider.Type);
        Assert.Equal(readsState, provider.Capabilities.CanReadState);
        Assert.Equal(batchReads, provider.Capabilities.CanBatchRead);
        Assert.Equal(kills, provider.Capabilities.Supports(ActionType.Kill));
        Assert.Equal(type != ProviderType.Heo, provider.Capabilities.Supports(ActionType.Rebuild));
        Assert.Equal(type == ProviderType.Wenium, provider.Capabilities.RebuildUsesSpec);
    }

    [Fact]
    public void The_extension_registers_a_singleton_factory()
    {
        using var services = new ServiceCollection().AddServerPowerProviders().BuildServiceProvider();

        Assert.Same(services.GetRequiredService<IPowerProviderFactory>(), services.GetRequiredService<IPowerProviderFactory>());
    }
}
