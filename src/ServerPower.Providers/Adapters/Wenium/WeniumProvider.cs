using System.Globalization;
using System.Text.Json;
using ServerPower.Api.Resources;
using ServerPower.Providers.Contract;
using ServerPower.Providers.Http;
using ServerPower.Providers.Resilience;

namespace ServerPower.Providers.Adapters.Wenium;

/// <summary>
/// Wenium Cloud. Actions follow its "Power action (start/stop/reboot/rebuild)" document: POST /servers/{server}/action with
/// {"action": start|stop|reboot|rebuild} (+ os_id, hostname, password, ssh_keys, firewall_group_id for rebuild);
/// success is a 2xx with "status": true, "status": false is a failure, anything else an unreadable answer.
/// State: GET /servers/{server}, batch GET /servers, probe GET /user (answers may be bare objects or wrapped in
/// {status, message, data}: both are read; a read answer that is not JSON is unreadable).
/// </summary>
internal sealed class WeniumProvider(ProviderContext context) : HttpPowerProvider(context)
{
    private static readonly ProviderCapabilities Caps = new(
        CanReadState: true,
        CanBatchRead: true,
        Actions: new HashSet<ActionType> { ActionType.Start, ActionType.Stop, ActionType.Restart, ActionType.Rebuild },
        RebuildUsesSpec: true);

    public override ProviderType Type => ProviderType.Wenium;

    public override ProviderCapabilities Capabilities => Caps;

    protected override Task<ProviderOutcome> ProbeCoreAsync(CancellationToken cancellationToken) =>
        CallAsync(CallKind.Read, ProviderRequest.Get("/user"), response => MapRead(response, "authenticated"), cancellationToken);

    protected override async Task<ReadResult> ReadOneAsync(string serverId, CancellationToken cancellationToken)
    {
        if (!IsServerId(serverId))
        {
            return ReadResult.Failed(NotAnInteger(serverId));
        }

        var (outcome, server) = await CallAsync(CallKind.Read, ProviderRequest.Get($"/servers/{Escape(serverId)}"), MapServer, cancellationToken);
        return ReadResultOf(outcome, server);
    }

    protected override ProviderRequest BatchReadRequest() => ProviderRequest.Get("/servers");

    protected override (ProviderOutcome, IReadOnlyDictionary<string, ObservedServer>?) MapBatchRead(ProviderResponse response)
    {
        var outcome = MapRead(response, "");
        if (!outcome.IsAccepted)
        {
            return (outcome, null);
        }

        var root = JsonRead.Parse(response.Body);
        var items = root is { ValueKind: JsonValueKind.Array } ? root : root.Property("data");
        if (items is not { ValueKind: JsonValueKind.Array })
        {
            return (HttpOutcomes.Unreadable(response, "no server list"), null);
        }

        var servers = new Dictionary<string, ObservedServer>(StringComparer.Ordinal);
        foreach (var item in items.Items())
        {
            if (item.String("id") is { } id && Observe(item) is { } observed)
            {
                servers[id] = observed;
            }
        }

        return (outcome, servers);
    }

    protected override async Task<ProviderOutcome> SendSupportedAsync(
        string serverId, ActionType action, RebuildRequest? rebuild, CancellationToken cancellationToken)
    {
        if (!IsServerId(serverId))
        {
            return NotAnInteger(serverId);
        }

        if (action == ActionType.Rebuild && string.IsNullOrWhiteSpace(rebuild?.OsId))
        {
            return ProviderOutcome.Refused(OutcomeKind.Invalid, "a Wenium rebuild needs os_id (spec.rebuild.osId); nothing was sent");
        }

        var request = ProviderRequest.Post($"/servers/{Escape(serverId)}/action", Body(action, rebuild));
        return await ActionAsync(serverId, action, request, MapAction, cancellationToken);
    }

    private static Dictionary<string, object> Body(ActionType action, RebuildRequest? rebuild)
    {
        var body = new Dictionary<string, object>
        {
            ["action"] = action switch
            {
                ActionType.Start => "start",
                ActionType.Stop => "stop",
                ActionType.Restart => "reboot",
                _ => "rebuild",
            },
        };
        if (action != ActionType.Rebuild || rebuild is null)
        {
            return body;
        }

        body["os_id"] = rebuild.OsId!;
        AddIf(body, "hostname", rebuild.Hostname);
        AddIf(body, "password", rebuild.RootPassword?.Reveal());
        AddIf(body, "ssh_keys", rebuild.SshKeyIds is { Count: > 0 } keys ? keys : null);
        AddIf(body, "firewall_group_id", rebuild.FirewallGroupId);
        return body;
    }

    private static void AddIf(Dictionary<string, object> body, string name, object? value)
    {
        if (value is not null)
        {
            body[name] = value;
        }
    }

    /// <summary>An action succeeded only with a 2xx carrying "status": true; "status": false is Wenium's refusal.</summary>
    private static ProviderOutcome MapAction(ProviderResponse response)
    {
        var root = JsonRead.Parse(response.Body);
        var message = root.String("message");
        if (!response.IsSuccess)
        {
            return HttpOutcomes.FromStatus(response, message);
        }

        return root.Bool("status") switch
        {
            true => ProviderOutcome.Accepted(message ?? ""),
            false => new ProviderOutcome(OutcomeKind.Invalid, string.IsNullOrWhiteSpace(message) ? "Wenium answered status: false" : message),
            null => HttpOutcomes.Unreadable(response, "no \"status\": true"),
        };
    }

    /// <summary>A read answers JSON (bare or wrapped); a wrapped "status": false is a failure with Wenium's message.</summary>
    private static ProviderOutcome MapRead(ProviderResponse response, string fallbackMessage)
    {
        var root = JsonRead.Parse(response.Body);
        var message = root.String("message");
        if (!response.IsSuccess)
        {
            return HttpOutcomes.FromStatus(response, message);
        }

        if (root is not { ValueKind: JsonValueKind.Object or JsonValueKind.Array })
        {
            return HttpOutcomes.Unreadable(response);
        }

        return root.Bool("status") == false
            ? new ProviderOutcome(OutcomeKind.Invalid, string.IsNullOrWhiteSpace(message) ? "Wenium answered status: false" : message)
            : ProviderOutcome.Accepted(message ?? fallbackMessage);
    }

    private static (ProviderOutcome, ObservedServer?) MapServer(ProviderResponse response)
    {
        var outcome = MapRead(response, "");
        if (!outcome.IsAccepted)
        {
            return (outcome, null);
        }

        var root = JsonRead.Parse(response.Body);
        var server = root.Property("data") is { ValueKind: JsonValueKind.Object } data ? data : root;
        return Observe(server) is { } observed
            ? (outcome, observed)
            : (HttpOutcomes.Unreadable(response, "no server status"), null);
    }

    private static ObservedServer? Observe(JsonElement? server) =>
        server.Property("status") is { ValueKind: JsonValueKind.String } status
            ? new ObservedServer(WeniumStates.Map(status.GetString()!), status.GetString()!)
            : null;

    private static ProviderOutcome NotAnInteger(string serverId) =>
        ProviderOutcome.Refused(OutcomeKind.Invalid, $"Wenium server ids are integers, not '{serverId}'; nothing was sent");

    private static bool IsServerId(string serverId) =>
        long.TryParse(serverId, NumberStyles.None, CultureInfo.InvariantCulture, out _);
}
