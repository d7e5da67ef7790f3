using Microsoft.Extensions.Logging;
using ServerPower.Providers.Contract;
using ServerPower.Providers.Http;
using ServerPower.Providers.Resilience;

namespace ServerPower.Providers.Adapters;

/// <summary>What an adapter needs for one account, built once per account by the factory.</summary>
internal sealed record ProviderContext(
    ProviderAccount Account,
    ProviderHttpClient Http,
    ProviderPipeline Pipeline,
    ProviderOptions Options,
    TimeProvider TimeProvider,
    ILogger Logger);
