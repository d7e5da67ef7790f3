using System.Text.Json;
using ServerPower.Api.Resources;
using ServerPower.Providers.Contract;
using ServerPower.Providers.Http;
using ServerPower.Providers.Resilience;

namespace ServerPower.Providers.Adapters.Wings;

/// <summary>
/// Pterodactyl Wings. Actions follow its "Server Power Action" document: POST /api/servers/{uuid}/power with
/// {"action": X, "wait_seconds": 30}, answered 202 and applied asynchronously (always confirm by reading state);
/// any other 2xx, or a 202 whose body is neither empty nor JSON, is an unreadable answer.
/// wait_seconds is always sent: upstream treats an omitted value as 0, which silently drops an action that finds
/// the power lock taken. Rebuild is upstream's POST /api/servers/{uuid}/reinstall. Errors are {"error"}:
/// 401 missing header and 403 wrong token both mean Unauthorized; 400 on start/restart means suspended.
/// State: GET /api/servers/{uuid}; batch GET /api/servers; probe GET /api/system.
/// Console: "Wings API: send command", POST /api/servers/{uuid}/commands with {"commands": [X]}, answered 204 (502
/// {"error"} for a server that is not running).
/// </summary>
internal sealed class WingsProvider(ProviderContext context) : HttpPowerProvider(context)
{
    /// <summary>How long Wings may wait for its per-server power lock.</summary>
    public const int WaitSeconds = 30;

    private static readonly ProviderCapabilities Caps = new(
        CanReadState: true,
        CanBatchRead: true,
        Actions: new HashSet<ActionType> { ActionType.Start, ActionType.Stop, ActionType.Restart, ActionType.Kill, ActionType.Rebuild },
        RebuildUsesSpec: false,
        HasConsole: true);

    public override ProviderType Type => ProviderType.Wings;

    public override ProviderCapabilities Capabilities => Caps;

    protected override Task<ProviderOutcome> ProbeCoreAsync(CancellationToken cancellationToken) =>
        CallAsync(CallKind.Read, ProviderRequest.Get("/api/system"), response =>
        {
            var outcome = MapRead(response);
            var version = JsonRead.Parse(response.Body).String("version");
            return outcome.IsAccepted && version is not null ? ProviderOutcome.Accepted($"Wings {version}") : outcome;
        }, cancellationToken);

    protected override async Task<ReadResult> ReadOneAsync(string serverId, CancellationToken cancellationToken)
    {
        var request = ProviderRequest.Get($"/api/servers/{Escape(serverId)}");
        var (outcome, server) = await CallAsync(CallKind.Read, request, response =>
        {
            var mapped = MapRead(response);
            if (!mapped.IsAccepted)
            {
                return (mapped, null);
            }

            return Observe(JsonRead.Parse(response.Body)) is { } observed
                ? (mapped, observed)
                : (HttpOutcomes.Unreadable(response, "no state"), null);
        }, cancellationToken);
        return ReadResultOf(outcome, server);
    }

    protected override ProviderRequest BatchReadRequest() => ProviderRequest.Get("/api/servers");

    protected override (ProviderOutcome, IReadOnlyDictionary<string, ObservedServer>?) MapBatchRead(ProviderResponse response)
    {
        var outcome = MapRead(response);
        if (!outcome.IsAccepted)
        {
            return (outcome, null);
        }

        if (JsonRead.Parse(response.Body) is not { ValueKind: JsonValueKind.Array })
        {
            return (HttpOutcomes.Unreadable(response, "no server list"), null);
        }

        var servers = new Dictionary<string, ObservedServer>(StringComparer.OrdinalIgnoreCase);
        foreach (var item in JsonRead.Parse(response.Body).Items())
        {
            var uuid = item.String("uuid") ?? item.Property("configuration").String("uuid");
            if (uuid is not null && Observe(item) is { } observed)
            {
                servers[uuid] = observed;
            }
        }

        return (outcome, servers);
    }

    protected override Task<ProviderOutcome> SendSupportedAsync(
        string serverId, ActionType action, RebuildRequest? rebuild, CancellationToken cancellationToken)
    {
        var request = action == ActionType.Rebuild
            ? ProviderRequest.Post($"/api/servers/{Escape(serverId)}/reinstall")
            : ProviderRequest.Post($"/api/servers/{Escape(serverId)}/power", new Dictionary<string, object>
            {
                ["action"] = action.ToString().ToLowerInvariant(),
                ["wait_seconds"] = WaitSeconds,
            });
        return ActionAsync(serverId, action, request, MapAction, cancellationToken);
    }

    protected override ProviderRequest CommandRequest(string escapedServerId, string command) =>
        ProviderRequest.Post($"/api/servers/{escapedServerId}/commands", new Dictionary<string, string[]> { ["commands"] = [command] });

    protected override ProviderOutcome MapCommand(ProviderResponse response) =>
        !response.IsSuccess ? MapError(response)
        : response.StatusCode == 204 ? ProviderOutcome.Accepted("command sent")
        : HttpOutcomes.Unreadable(response, "not 204 No Content");

    private static ProviderOutcome MapAction(ProviderResponse response)
    {
        if (!response.IsSuccess)
        {
            return MapError(response);
        }

        return response.StatusCode == 202 && (string.IsNullOrWhiteSpace(response.Body) || JsonRead.Parse(response.Body) is not null)
            ? ProviderOutcome.Accepted("accepted by Wings; applied asynchronously")
            : HttpOutcomes.Unreadable(response, "not 202 Accepted");
    }

    private static ProviderOutcome MapRead(ProviderResponse response)
    {
        if (!response.IsSuccess)
        {
            return MapError(response);
        }

        return JsonRead.Parse(response.Body) is { ValueKind: JsonValueKind.Object or JsonValueKind.Array }
            ? ProviderOutcome.Accepted()
            : HttpOutcomes.Unreadable(response);
    }

    private static ProviderOutcome MapError(ProviderResponse response)
    {
        var message = JsonRead.Parse(response.Body).String("error");
        var outcome = HttpOutcomes.FromStatus(response, message);
        return response.StatusCode switch
        {
            403 => outcome with { Kind = OutcomeKind.Unauthorized },
            400 when message?.Contains("suspended", StringComparison.OrdinalIgnoreCase) == true => outcome with { Kind = OutcomeKind.Suspended },
            _ => outcome,
        };
    }

    private static ObservedServer? Observe(JsonElement? server)
    {
        var state = server.String("state");
        if (server.Bool("is_suspended") == true)
        {
            return new ObservedServer(PowerState.Suspended, state ?? "suspended");
        }

        return state is null ? null : new ObservedServer(state.ToLowerInvariant() switch
        {
            "running" => PowerState.Running,
            "starting" => PowerState.Starting,
            "stopping" => PowerState.Stopping,
            "offline" => PowerState.Stopped,
            _ => PowerState.Unknown,
        }, state);
    }
}
