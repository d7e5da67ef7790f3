using ServerPower.Api.Resources;

namespace ServerPower.Providers.Contract;

/// <summary>What a provider can do.</summary>
/// <param name="CanReadState">False for state-blind providers (HEO): act on declared changes, report Unknown.</param>
/// <param name="CanBatchRead">One call reads every server of the account (Wenium GET /servers, Wings GET /api/servers).</param>
/// <param name="Actions">Actions the provider supports; others are Unsupported and never sent.</param>
/// <param name="RebuildUsesSpec">True when spec.rebuild parameters are sent (Wenium); false when the provider reinstalls as configured (Pterodactyl).</param>
/// <param name="HasConsole">The provider can send a command to a server's console (Pterodactyl panel, Wings): spec.stop.warning.</param>
public sealed record ProviderCapabilities(
    bool CanReadState,
    bool CanBatchRead,
    IReadOnlySet<ActionType> Actions,
    bool RebuildUsesSpec = false,
    bool HasConsole = false)
{
    public bool Supports(ActionType action) => Actions.Contains(action);
}
