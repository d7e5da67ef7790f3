using ServerPower.Api.Resources;
using ServerPower.Providers.Contract;
using ServerPower.Providers.Http;

namespace ServerPower.Providers.Adapters.Heo;

/// <summary>
/// HEO Systems VPS, following its "VPS custom power control endpoints" document: POST /v1/hosting/cloud/vps-custom/{id}/start|stop,
/// restart = /reset?force=true (a hard reset; without force HEO answers 400 confirmation_required). Success is
/// 200 {"success": true, "status": "requested"}: accepted, applied later; a 2xx without "success": true is an
/// unreadable answer. Errors {"success": false, "error", "message"}. HEO has no state read (state-blind) and no
/// kill or rebuild. Probe: GET /v1/status (no auth): "up" is Accepted, anything else Unavailable with the value.
/// </summary>
internal sealed class HeoProvider(ProviderContext context) : HttpPowerProvider(context)
{
    private static readonly ProviderCapabilities Caps = new(
        CanReadState: false,
        CanBatchRead: false,
        Actions: new HashSet<ActionType> { ActionType.Start, ActionType.Stop, ActionType.Restart });

    public override ProviderType Type => ProviderType.Heo;

    public override ProviderCapabilities Capabilities => Caps;

    protected override Task<ProviderOutcome> ProbeCoreAsync(CancellationToken cancellationToken) =>
        CallAsync(Resilience.CallKind.Read, ProviderRequest.Get("/v1/status", authenticated: false), response =>
        {
            var root = JsonRead.Parse(response.Body);
            var status = root.String("status") ?? root.Property("data").String("status");
            if (!response.IsSuccess)
            {
                return HttpOutcomes.FromStatus(response, root.String("message") ?? status) with { Kind = OutcomeKind.Unavailable };
            }

            if (status is null)
            {
                return HttpOutcomes.Unreadable(response, "no service status");
            }

            return string.Equals(status, "up", StringComparison.OrdinalIgnoreCase)
                ? ProviderOutcome.Accepted("HEO service status: up")
                : new ProviderOutcome(OutcomeKind.Unavailable, $"HEO service status: {status}");
        }, cancellationToken);

    protected override Task<ReadResult> ReadOneAsync(string serverId, CancellationToken cancellationToken) =>
        Task.FromResult(ReadResult.Failed(ProviderOutcome.Unsupported("HEO cannot report a VPS's power state")));

    protected override Task<ProviderOutcome> SendSupportedAsync(
        string serverId, ActionType action, RebuildRequest? rebuild, CancellationToken cancellationToken)
    {
        var path = $"/v1/hosting/cloud/vps-custom/{Escape(serverId)}/" + action switch
        {
            ActionType.Start => "start",
            ActionType.Stop => "stop",
            _ => "reset?force=true",
        };
        return ActionAsync(serverId, action, ProviderRequest.Post(path), Map, cancellationToken);
    }

    private static ProviderOutcome Map(ProviderResponse response)
    {
        var root = JsonRead.Parse(response.Body);
        var error = root.String("error");
        var message = root.String("message");
        var text = (error, message) switch
        {
            (null, null) => null,
            (null, _) => message,
            (_, null) => error,
            _ => $"{error}: {message}",
        };
        if (!response.IsSuccess)
        {
            return HttpOutcomes.FromStatus(response, text);
        }

        return root.Bool("success") switch
        {
            true => ProviderOutcome.Accepted(message ?? "requested"),
            false => new ProviderOutcome(OutcomeKind.Invalid, text ?? "HEO answered success: false"),
            null => HttpOutcomes.Unreadable(response, "no \"success\": true"),
        };
    }
}
