using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ServerPower.Providers.Contract;
using ServerPower.Providers.Http;
using ServerPower.Providers.Outbound;

namespace ServerPower.Providers;

public static class ProvidersServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="IPowerProviderFactory"/>, its HTTP clients and <see cref="ProviderOptions"/>. Every connection
    /// goes through the <see cref="OutboundConnector"/>, whose <see cref="OutboundPolicy"/> is
    /// <see cref="OutboundPolicy.Default"/> (loopback refused) unless one was registered before.
    /// </summary>
    public static IServiceCollection AddServerPowerProviders(this IServiceCollection services, Action<ProviderOptions>? configure = null)
    {
        services.AddHttpClient();
        services.AddLogging();
        services.AddOptions<ProviderOptions>();
        if (configure is not null)
        {
            services.Configure(configure);
        }

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ProviderHttpClients>();
        services.TryAddSingleton(OutboundPolicy.Default);
        services.TryAddSingleton<IOutboundNetwork>(SystemOutboundNetwork.Instance);
        services.TryAddSingleton(sp => new OutboundConnector(sp.GetRequiredService<OutboundPolicy>(), sp.GetRequiredService<IOutboundNetwork>()));
        services.AddSingleton<IConfigureOptions<HttpClientFactoryOptions>, ProviderHttpClientConfigurator>();
        services.TryAddSingleton<IPowerProviderFactory>(sp => new PowerProviderFactory(
            sp.GetRequiredService<IHttpClientFactory>(),
            sp.GetRequiredService<ProviderHttpClients>(),
            sp.GetRequiredService<IOptions<ProviderOptions>>(),
            sp.GetRequiredService<ILoggerFactory>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetServices<IProviderCircuitObserver>()));
        return services;
    }
}
