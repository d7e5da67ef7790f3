using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ServerPower.Api.Resources;
using ServerPower.Providers.Contract;
using ServerPower.Providers.Http;
using ServerPower.Sandbox.Providers;
using ServerPower.Providers.Outbound;

namespace ServerPower.Providers.Tests.Support;

/// <summary>The providers as the operator gets them: DI, IHttpClientFactory, captured logs; short retry delays.</summary>
public sealed class ProviderHarness : IDisposable
{
    private readonly ServiceProvider services;

    /// <param name="outbound">The outbound policy; default: loopback allowed (the simulators listen there).</param>
    /// <param name="network">A stand-in for the resolver and sockets; default: the machine's.</param>
    public ProviderHarness(Action<ProviderOptions>? configure = null, TimeProvider? timeProvider = null,
        IProviderRequestObserver? observer = null, IProviderCircuitObserver? circuits = null, OutboundPolicy? outbound = null, IOutboundNetwork? network = null)
    {
        var collection = new ServiceCollection();
        if (observer is not null)
        {
            collection.AddSingleton(observer);
        }

        if (circuits is not null)
        {
            collection.AddSingleton(circuits);
        }

        collection.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Trace).AddProvider(Logs));
        if (timeProvider is not null)
        {
            collection.AddSingleton(timeProvider);
        }

        // The simulators listen on loopback, which the default outbound policy refuses.
        collection.AddSingleton(outbound ?? OutboundPolicy.AllowingLoopback);
        if (network is not null)
        {
            collection.AddSingleton(network);
        }

        collection.AddServerPowerProviders(options =>
        {
            options.RequestTimeout = TimeSpan.FromSeconds(10);
            options.RetryBaseDelay = TimeSpan.FromMilliseconds(20);
            configure?.Invoke(options);
        });
        services = collection.BuildServiceProvider();
        Factory = services.GetRequiredService<IPowerProviderFactory>();
    }

    public LogCapture Logs { get; } = new();

    public IPowerProviderFactory Factory { get; }

    public static ProviderAccount AccountFor(
        IProviderSimulator simulator, string? token = null, RateLimitSpec? rateLimit = null, int maxConcurrentActions = 4, string key = "ns/provider") =>
        new(key, simulator.Type, simulator.BaseAddress, new SecretValue(token ?? simulator.Token), rateLimit, maxConcurrentActions);

    public IPowerProvider For(IProviderSimulator simulator, string? token = null, RateLimitSpec? rateLimit = null, int maxConcurrentActions = 4) =>
        Factory.Get(AccountFor(simulator, token, rateLimit, maxConcurrentActions));

    public void Dispose() => services.Dispose();
}
