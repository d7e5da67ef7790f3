using ServerPower.Api.Resources;
using ServerPower.Providers.Contract;
using ServerPower.Providers.Http;
using ServerPower.Providers.Resilience;

namespace ServerPower.Providers.Adapters.PterodactylPanel;

/// <summary>
/// Pterodactyl panel, client API. Actions follow its "Server Power Actions" document:
/// POST /api/client/servers/{server}/power with {"action": X, "signal": X} (documented and upstream names both sent;
/// the document's 200 {"data": {"success": true}} and upstream's 204 both accepted, see <see cref="PanelAnswers"/>). Rebuild is upstream's reinstall (POST .../settings/reinstall): spec.rebuild is
/// ignored. State: GET .../resources (current_state, is_suspended). A 409 is explained by
/// GET /api/client/servers/{server}, the one route that answers in conflict states: Suspended or Busy.
/// Probe: GET /api/client/account, the cheapest authenticated client call (one user row, no server listing).
/// Console: "Pterodactyl client API: send command", POST /api/client/servers/{server}/command with {"command": X},
/// answered 204 (upstream answers 502 "Server must be online in order to send commands." for a stopped server).
/// </summary>
internal sealed class PterodactylPanelProvider(ProviderContext context) : HttpPowerProvider(context)
{
    private static readonly ProviderCapabilities Caps = new(
        CanReadState: true,
        CanBatchRead: false,
        Actions: new HashSet<ActionType> { ActionType.Start, ActionType.Stop, ActionType.Restart, ActionType.Kill, ActionType.Rebuild },
        RebuildUsesSpec: false,
        HasConsole: true);

    public override ProviderType Type => ProviderType.PterodactylPanel;

    public override ProviderCapabilities Capabilities => Caps;

    protected override Task<ProviderOutcome> ProbeCoreAsync(CancellationToken cancellationToken) =>
        CallAsync(CallKind.Read, ProviderRequest.Get("/api/client/account"), PanelAnswers.MapRead, cancellationToken);

    protected override async Task<ReadResult> ReadOneAsync(string serverId, CancellationToken cancellationToken)
    {
        var request = ProviderRequest.Get($"/api/client/servers/{Escape(serverId)}/resources");
        var (outcome, server) = await CallAsync(CallKind.Read, request, MapResources, cancellationToken);
        if (outcome.Kind != OutcomeKind.Busy)
        {
            return ReadResultOf(outcome, server);
        }

        var explained = await ExplainConflictAsync(serverId, outcome, cancellationToken);
        return explained.Server is { } observed ? ReadResult.Of(observed) : ReadResult.Failed(explained.Outcome);
    }

    protected override async Task<ProviderOutcome> SendSupportedAsync(
        string serverId, ActionType action, RebuildRequest? rebuild, CancellationToken cancellationToken)
    {
        var request = action == ActionType.Rebuild
            ? ProviderRequest.Post($"/api/client/servers/{Escape(serverId)}/settings/reinstall")
            : ProviderRequest.Post($"/api/client/servers/{Escape(serverId)}/power", PowerBody(action));
        var reinstall = action == ActionType.Rebuild;
        var outcome = await ActionAsync(serverId, action, request, response => PanelAnswers.MapAction(response, reinstall), cancellationToken);
        return outcome.Kind == OutcomeKind.Busy
            ? (await ExplainConflictAsync(serverId, outcome, cancellationToken)).Outcome
            : outcome;
    }

    protected override ProviderRequest CommandRequest(string escapedServerId, string command) =>
        ProviderRequest.Post($"/api/client/servers/{escapedServerId}/command", new Dictionary<string, string> { ["command"] = command });

    protected override ProviderOutcome MapCommand(ProviderResponse response) => PanelAnswers.MapCommand(response);

    private static Dictionary<string, string> PowerBody(ActionType action)
    {
        var signal = action.ToString().ToLowerInvariant();
        return new Dictionary<string, string> { ["action"] = signal, ["signal"] = signal };
    }

    private static (ProviderOutcome, ObservedServer?) MapResources(ProviderResponse response)
    {
        var outcome = PanelAnswers.MapRead(response);
        if (!outcome.IsAccepted)
        {
            return (outcome, null);
        }

        var attributes = PanelAnswers.Attributes(response);
        var raw = attributes.String("current_state");
        if (attributes.Bool("is_suspended") == true)
        {
            return (outcome, new ObservedServer(PowerState.Suspended, raw ?? "suspended"));
        }

        return raw is null
            ? (HttpOutcomes.Unreadable(response, "no current_state"), null)
            : (outcome, new ObservedServer(MapState(raw), raw));
    }

    private static PowerState MapState(string raw) => raw.ToLowerInvariant() switch
    {
        "running" => PowerState.Running,
        "starting" => PowerState.Starting,
        "stopping" => PowerState.Stopping,
        "offline" or "stopped" => PowerState.Stopped,
        _ => PowerState.Unknown,
    };

    /// <summary>Turns a 409 into Suspended or Busy with the server's own status; keeps the 409 if that read fails.</summary>
    private async Task<(ProviderOutcome Outcome, ObservedServer? Server)> ExplainConflictAsync(
        string serverId, ProviderOutcome conflict, CancellationToken cancellationToken)
    {
        var request = ProviderRequest.Get($"/api/client/servers/{Escape(serverId)}");
        var (_, server) = await CallAsync(CallKind.Read, request, response =>
        {
            var mapped = PanelAnswers.MapRead(response);
            return (mapped, mapped.IsAccepted ? Explain(PanelAnswers.Attributes(response)) : null);
        }, cancellationToken);
        if (server is null)
        {
            return (conflict, null);
        }

        var kind = server.Power == PowerState.Suspended ? OutcomeKind.Suspended : OutcomeKind.Busy;
        return (new ProviderOutcome(kind, $"{conflict.Message} (server status: {server.RawState})"), server);
    }

    private static ObservedServer Explain(System.Text.Json.JsonElement? attributes)
    {
        var status = attributes.String("status");
        if (attributes.Bool("is_suspended") == true || status == "suspended")
        {
            return new ObservedServer(PowerState.Suspended, "suspended");
        }

        var raw = status
            ?? (attributes.Bool("is_installing") == true ? "installing"
            : attributes.Bool("is_transferring") == true ? "transferring"
            : "conflict");
        return new ObservedServer(PowerState.Busy, raw);
    }
}
