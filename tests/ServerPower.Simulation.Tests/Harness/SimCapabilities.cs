using ServerPower.Api.Resources;
using ServerPower.Providers.Contract;

namespace ServerPower.Simulation.Tests.Harness;

/// <summary>The capabilities the real adapters declare (src/ServerPower.Providers/Adapters/*/…Provider.cs).</summary>
internal static class SimCapabilities
{
    public static ProviderCapabilities Of(ProviderType type) => type switch
    {
        ProviderType.Wenium => new(true, true, new HashSet<ActionType> { ActionType.Start, ActionType.Stop, ActionType.Restart, ActionType.Rebuild }, RebuildUsesSpec: true),
        ProviderType.PterodactylPanel => new(true, false, new HashSet<ActionType> { ActionType.Start, ActionType.Stop, ActionType.Restart, ActionType.Kill, ActionType.Rebuild }),
        ProviderType.Wings => new(true, true, new HashSet<ActionType> { ActionType.Start, ActionType.Stop, ActionType.Restart, ActionType.Kill, ActionType.Rebuild }),
        _ => new(false, false, new HashSet<ActionType> { ActionType.Start, ActionType.Stop, ActionType.Restart }),
    };
}
