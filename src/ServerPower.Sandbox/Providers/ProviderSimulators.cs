using ServerPower.Api.Resources;
using ServerPower.Sandbox.Providers.Heo;
using ServerPower.Sandbox.Providers.PterodactylPanel;
using ServerPower.Sandbox.Providers.Wenium;
using ServerPower.Sandbox.Providers.Wings;

namespace ServerPower.Sandbox.Providers;

/// <summary>Starts the simulator for a provider type, for callers that treat them uniformly.</summary>
public static class ProviderSimulators
{
    public static async Task<IProviderSimulator> StartAsync(
        ProviderType type, SimulatorOptions? options = null, CancellationToken cancellationToken = default) => type switch
    {
        ProviderType.Wenium => await WeniumSimulator.StartAsync(options, cancellationToken),
        ProviderType.PterodactylPanel => await PterodactylPanelSimulator.StartAsync(options, cancellationToken),
        ProviderType.Wings => await WingsSimulator.StartAsync(options, cancellationToken),
        ProviderType.Heo => await HeoSimulator.StartAsync(options, cancellationToken),
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "unknown provider type"),
    };
}
