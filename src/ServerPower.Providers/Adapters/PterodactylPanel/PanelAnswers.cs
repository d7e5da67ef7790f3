using System.Text.Json;
using ServerPower.Providers.Contract;
using ServerPower.Providers.Http;

namespace ServerPower.Providers.Adapters.PterodactylPanel;

/// <summary>
/// The panel's two error shapes: the seed's {"status": N, "message"} and upstream's
/// {"errors": [{"code", "status", "detail"}]}. Success is 200 {"data": {"success", "message"}} or 204/202.
/// </summary>
internal static class PanelAnswers
{
    public static ProviderOutcome Map(ProviderResponse response)
    {
        var root = JsonRead.Parse(response.Body);
        if (!response.IsSuccess)
        {
            return HttpOutcomes.FromStatus(response, ErrorMessage(root));
        }

        var data = root.Property("data");
        var message = data.String("message") ?? "";
        return data.Bool("success") == false
            ? new ProviderOutcome(OutcomeKind.Invalid, message.Length > 0 ? message : "the panel answered success: false")
            : ProviderOutcome.Accepted(message);
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
}
