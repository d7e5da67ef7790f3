using System.Text.Json;
using ServerPower.Providers.Contract;
using ServerPower.Providers.Http;

namespace ServerPower.Providers.Adapters.PterodactylPanel;

/// <summary>
/// The panel's two error shapes: the documented {"status": N, "message"} and upstream's
/// {"errors": [{"code", "status", "detail"}]}. A power action succeeded with the documented 200
/// {"data": {"success": true, "message"}} or upstream's 204; a reinstall with upstream's 202 (or 204, or the
/// documented shape). Reads answer JSON objects. Anything else in 2xx is an unreadable answer.
/// </summary>
internal static class PanelAnswers
{
    public static ProviderOutcome MapAction(ProviderResponse response, bool reinstall)
    {
        var root = JsonRead.Parse(response.Body);
        if (!response.IsSuccess)
        {
            return HttpOutcomes.FromStatus(response, ErrorMessage(root));
        }

        if (response.StatusCode == 204 || (reinstall && response.StatusCode == 202 && (root is not null || IsEmpty(response))))
        {
            return ProviderOutcome.Accepted();
        }

        var data = root.Property("data");
        var message = data.String("message") ?? "";
        return (response.StatusCode, data.Bool("success")) switch
        {
            (200, true) => ProviderOutcome.Accepted(message),
            (200, false) => new ProviderOutcome(OutcomeKind.Invalid, message.Length > 0 ? message : "the panel answered success: false"),
            _ => HttpOutcomes.Unreadable(response, "no \"data\": {\"success\": true}"),
        };
    }

    /// <summary>A console command: 204 No Content, the panel's only success answer for it.</summary>
    public static ProviderOutcome MapCommand(ProviderResponse response)
    {
        if (!response.IsSuccess)
        {
            return HttpOutcomes.FromStatus(response, ErrorMessage(JsonRead.Parse(response.Body)));
        }

        return response.StatusCode == 204 ? ProviderOutcome.Accepted("command sent") : HttpOutcomes.Unreadable(response, "not 204 No Content");
    }

    public static ProviderOutcome MapRead(ProviderResponse response)
    {
        var root = JsonRead.Parse(response.Body);
        if (!response.IsSuccess)
        {
            return HttpOutcomes.FromStatus(response, ErrorMessage(root));
        }

        return root is { ValueKind: JsonValueKind.Object } ? ProviderOutcome.Accepted() : HttpOutcomes.Unreadable(response);
    }

    public static string? ErrorMessage(JsonElement? root)
    {
        if (root.String("message") is { Length: > 0 } message)
        {
            return message;
        }

        var details = root.Property("errors").Items()
            .Select(error => error.String("detail") ?? error.String("code"))
            .Where(detail => !string.IsNullOrWhiteSpace(detail));
        var joined = string.Join("; ", details);
        return joined.Length > 0 ? joined : null;
    }

    public static JsonElement? Attributes(ProviderResponse response) => JsonRead.Parse(response.Body).Property("attributes");

    private static bool IsEmpty(ProviderResponse response) => string.IsNullOrWhiteSpace(response.Body);
}
