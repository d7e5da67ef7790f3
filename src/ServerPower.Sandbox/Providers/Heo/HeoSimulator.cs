using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using ServerPower.Api.Resources;
using ServerPower.Sandbox.Providers.Core;

namespace ServerPower.Sandbox.Providers.Heo;

/// <summary>
/// HEO Systems VPS ("VPS custom power control endpoints"): POST /v1/hosting/cloud/vps-custom/{id}/start|stop|reset,
/// reset only with force=true (query or JSON body) else 400 confirmation_required; 200 {"success": true,
/// "status": "requested"}; errors {"success": false, "error", "message"}: 401, 403 (also unknown VPS), 404,
/// 405, 429, 502. No state endpoint. GET /v1/status (no auth) reports <see cref="ServiceStatus"/>.
/// </summary>
public sealed partial class HeoSimulator : ProviderSimulator
{
    private HeoSimulator(SimulatorOptions options)
        : base(options)
    {
    }

    public override ProviderType Type => ProviderType.Heo;

    /// <summary>What GET /v1/status reports: up, disrupted or maintenance.</summary>
    public string ServiceStatus { get; set; } = "up";

    /// <summary>While true, actions answer 502 provider_error.</summary>
    public bool ProviderFailing { get; set; }

    public static async Task<HeoSimulator> StartAsync(SimulatorOptions? options = null, CancellationToken cancellationToken = default)
    {
        var simulator = new HeoSimulator(options ?? new SimulatorOptions());
        await simulator.StartAsync(cancellationToken);
        return simulator;
    }

    protected override void MapRoutes(WebApplication routes)
    {
        routes.MapGet("/v1/status", (HttpContext context) => Json(context, 200, new { status = ServiceStatus }));
        foreach (var action in (string[])["start", "stop", "reset"])
        {
            routes.MapPost($"/v1/hosting/cloud/vps-custom/{{id}}/{action}", (HttpContext context, string id) => ActionAsync(context, id, action));
        }

        routes.MapFallback((HttpContext context) => ActionPath().IsMatch(context.Request.Path.Value ?? "")
            ? Error(context, 405, "method_not_allowed", "Method not allowed")
            : Error(context, 404, "not_found", "Endpoint not found"));
    }

    protected override async Task<bool> AuthorizeAsync(HttpContext context)
    {
        if (context.Request.Path.StartsWithSegments("/v1/status"))
        {
            return true;
        }

        if (!IsKnown(BearerToken(context)))
        {
            await Error(context, 401, "unauthorized", "Missing, invalid, or revoked API key");
            return false;
        }

        return true;
    }

    protected override Task TooManyRequestsAsync(HttpContext context) =>
        context.Response.WriteAsJsonAsync(new { success = false, error = "too_many_requests", message = "Too many requests" });

    private Task ActionAsync(HttpContext context, string id, string action)
    {
        if (IsLimited(context) || Servers.Find(id) is not { } found)
        {
            return Error(context, 403, "unauthorized", "You do not have access to this VPS");
        }

        if (action == "reset" && !Forced(context))
        {
            return Error(context, 400, "confirmation_required", "Reset requires force=true");
        }

        if (ProviderFailing)
        {
            return Error(context, 502, "provider_error", "Failed to send action");
        }

        _ = action switch
        {
            "start" => Servers.Start(found),
            "stop" => Servers.Stop(found),
            _ => Servers.Reset(found),
        };
        var verb = char.ToUpperInvariant(action[0]) + action[1..];
        return Json(context, 200, new { success = true, action, vps_id = id, status = "requested", message = $"{verb} action sent" });
    }

    private static bool Forced(HttpContext context)
    {
        if (string.Equals(context.Request.Query["force"].ToString(), "true", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        return JsonBodyOf(context) is { ValueKind: JsonValueKind.Object } body
            && body.TryGetProperty("force", out var force)
            && (force.ValueKind == JsonValueKind.True || (force.ValueKind == JsonValueKind.String && force.GetString() == "true"));
    }

    private static Task Error(HttpContext context, int status, string error, string message) =>
        Json(context, status, new { success = false, error, message });

    [GeneratedRegex("^/v1/hosting/cloud/vps-custom/[^/]+/(start|stop|reset)$")]
    private static partial Regex ActionPath();
}
