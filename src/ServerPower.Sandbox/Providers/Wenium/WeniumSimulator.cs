using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using ServerPower.Api.Resources;
using ServerPower.Sandbox.Providers.Core;

namespace ServerPower.Sandbox.Providers.Wenium;

/// <summary>
/// Wenium Cloud under "/api": POST /servers/{server}/action ("Power action (start/stop/reboot/rebuild)"; 200 with
/// status true/false), GET /servers, GET /servers/{server} (flat object, "status" string), GET /user (wrapped).
/// Errors as Laravel would: 401 {"message": "Unauthenticated."}, 403/404 {"message"}.
/// </summary>
public sealed class WeniumSimulator : ProviderSimulator
{
    private WeniumSimulator(SimulatorOptions options)
        : base(options)
    {
    }

    public override ProviderType Type => ProviderType.Wenium;

    protected override string BasePath => "/api";

    public static async Task<WeniumSimulator> StartAsync(SimulatorOptions? options = null, CancellationToken cancellationToken = default)
    {
        var simulator = new WeniumSimulator(options ?? new SimulatorOptions());
        await simulator.StartAsync(cancellationToken);
        return simulator;
    }

    /// <summary>The raw "status" string a server reports.</summary>
    public string StatusOf(SimulatedServer server)
    {
        if (server.ReportedState is { } reported)
        {
            return reported;
        }

        if (server.Suspended)
        {
            return "suspended";
        }

        return server.StateAt(Now) switch
        {
            SimPowerState.Running => "running",
            SimPowerState.Starting => "starting",
            SimPowerState.Stopping => "stopping",
            SimPowerState.Installing => "rebuilding",
            _ => "stopped",
        };
    }

    protected override void MapRoutes(WebApplication routes)
    {
        routes.MapGet("/api/user", (HttpContext context) => Json(context, 200, new
        {
            status = true,
            message = "",
            data = new { id = 1, name = "Simulated User", email = "user@sim.invalid" },
        }));
        routes.MapGet("/api/servers", (HttpContext context) => Json(context, 200, Servers.All.Select(View).ToArray()));
        routes.MapGet("/api/servers/{server}", (HttpContext context, string server) =>
            Servers.Find(server) is { } found ? Json(context, 200, View(found)) : NotFound(context));
        routes.MapPost("/api/servers/{server}/action", ActionAsync);
        routes.MapFallback((HttpContext context) => Json(context, 404, new { message = "Not Found" }));
    }

    protected override async Task<bool> AuthorizeAsync(HttpContext context)
    {
        if (!IsKnown(BearerToken(context)))
        {
            await Json(context, 401, new { message = "Unauthenticated." });
            return false;
        }

        return true;
    }

    protected override Task TooManyRequestsAsync(HttpContext context) =>
        context.Response.WriteAsJsonAsync(new { message = "Too Many Attempts." });

    private Task ActionAsync(HttpContext context, string server)
    {
        if (IsLimited(context))
        {
            return Json(context, 403, new { message = "This action is unauthorized." });
        }

        if (Servers.Find(server) is not { } found)
        {
            return NotFound(context);
        }

        var body = JsonBodyOf(context);
        var action = StringField(body, "action");
        if (action is not ("start" or "stop" or "reboot" or "rebuild"))
        {
            return Refuse(context, "Invalid action. Must be one of: start, stop, reboot, rebuild.");
        }

        if (action == "rebuild" && string.IsNullOrWhiteSpace(StringField(body, "os_id")))
        {
            return Refuse(context, "The os_id field is required when action is rebuild.");
        }

        if (found.Suspended)
        {
            return Refuse(context, "Server is suspended.");
        }

        if (found.StateAt(Now) == SimPowerState.Installing)
        {
            return Refuse(context, "Server is currently being rebuilt.");
        }

        _ = action switch
        {
            "start" => Servers.Start(found),
            "stop" => Servers.Stop(found),
            "reboot" => Servers.Restart(found),
            _ => Servers.Reinstall(found, SimPowerState.Running),
        };
        return Json(context, 200, new { status = true, message = $"Power action {action} completed successfully." });
    }

    private static Task Refuse(HttpContext context, string message) => Json(context, 200, new { status = false, message });

    private static Task NotFound(HttpContext context) => Json(context, 404, new { message = "Server not found." });

    private object View(SimulatedServer server) => new
    {
        id = long.TryParse(server.Id, NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? number : (object)server.Id,
        hostname = $"server-{server.Id}",
        status = StatusOf(server),
    };
}
