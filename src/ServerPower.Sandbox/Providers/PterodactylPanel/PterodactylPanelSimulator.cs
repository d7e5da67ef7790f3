using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using ServerPower.Api.Resources;
using ServerPower.Sandbox.Providers.Core;

namespace ServerPower.Sandbox.Providers.PterodactylPanel;

/// <summary>
/// Pterodactyl panel client API: POST /api/client/servers/{server}/power
/// ("Server Power Actions": 200 {"data": {"success", "message"}}, errors {"status", "message"}),
/// upstream's 409 {"errors": [...]} for suspended or installing servers, GET .../resources,
/// GET /api/client/servers/{server}, POST .../settings/reinstall (202), GET /api/client and /api/client/account.
/// POST .../command {"command"} ("Pterodactyl client API: send command"): 204, upstream's 502 for a server that is not
/// running, 422 without a command; delivered commands go to <see cref="ProviderSimulator.Commands"/>.
/// </summary>
public sealed class PterodactylPanelSimulator : ProviderSimulator
{
    private PterodactylPanelSimulator(SimulatorOptions options)
        : base(options)
    {
    }

    public override ProviderType Type => ProviderType.PterodactylPanel;

    /// <summary>While true, calls that need Wings answer the documented 503 "Wings daemon unavailable".</summary>
    public bool WingsUnavailable { get; set; }

    /// <summary>Answer power actions upstream's way (204 No Content) instead of the documented 200 body.</summary>
    public bool AnswerNoContent { get; set; }

    public static async Task<PterodactylPanelSimulator> StartAsync(SimulatorOptions? options = null, CancellationToken cancellationToken = default)
    {
        var simulator = new PterodactylPanelSimulator(options ?? new SimulatorOptions());
        await simulator.StartAsync(cancellationToken);
        return simulator;
    }

    protected override void MapRoutes(WebApplication routes)
    {
        routes.MapGet("/api/client/account", (HttpContext context) => Json(context, 200, new
        {
            @object = "user",
            attributes = new { id = 1, admin = false, username = "simulated", email = "user@sim.invalid" },
        }));
        routes.MapGet("/api/client", (HttpContext context) => Json(context, 200, new
        {
            @object = "list",
            data = Servers.All.Select(server => new { @object = "server", attributes = Attributes(server) }).ToArray(),
        }));
        routes.MapGet("/api/client/servers/{server}", (HttpContext context, string server) =>
            Servers.Find(server) is { } found
                ? Json(context, 200, new { @object = "server", attributes = Attributes(found) })
                : NotFound(context));
        routes.MapGet("/api/client/servers/{server}/resources", ResourcesAsync);
        routes.MapPost("/api/client/servers/{server}/power", PowerAsync);
        routes.MapPost("/api/client/servers/{server}/settings/reinstall", ReinstallAsync);
        routes.MapPost("/api/client/servers/{server}/command", CommandAsync);
        routes.MapFallback(NotFound);
    }

    protected override async Task<bool> AuthorizeAsync(HttpContext context)
    {
        if (IsKnown(BearerToken(context)))
        {
            return true;
        }

        if (!context.Request.Headers.Accept.ToString().Contains("application/json", StringComparison.OrdinalIgnoreCase))
        {
            context.Response.Redirect("/auth/login");
            return false;
        }

        await Json(context, 401, Errors("AuthenticationException", 401, "Unauthenticated."));
        return false;
    }

    protected override Task TooManyRequestsAsync(HttpContext context) =>
        context.Response.WriteAsJsonAsync(Errors("TooManyRequestsHttpException", 429, "Too Many Attempts."));

    private Task ResourcesAsync(HttpContext context, string server)
    {
        if (Servers.Find(server) is not { } found)
        {
            return NotFound(context);
        }

        if (Conflict(found) is { } conflict)
        {
            return Json(context, 409, Errors("ConflictHttpException", 409, conflict));
        }

        if (WingsUnavailable)
        {
            return Json(context, 503, new { status = 503, message = "Wings daemon unavailable: Connection timeout" });
        }

        return Json(context, 200, new
        {
            @object = "stats",
            attributes = new
            {
                current_state = found.ReportedState ?? CurrentState(found),
                is_suspended = found.Suspended,
                resources = new { memory_bytes = 0, cpu_absolute = 0, disk_bytes = 0, network_rx_bytes = 0, network_tx_bytes = 0, uptime = 0 },
            },
        });
    }

    private Task PowerAsync(HttpContext context, string server)
    {
        if (Servers.Find(server) is not { } found)
        {
            return NotFound(context);
        }

        if (IsLimited(context))
        {
            return Json(context, 403, new { status = 403, message = "This action is unauthorized: missing server.power permission." });
        }

        if (Conflict(found) is { } conflict)
        {
            return Json(context, 409, Errors("ConflictHttpException", 409, conflict));
        }

        var body = JsonBodyOf(context);
        var action = StringField(body, "action") ?? StringField(body, "signal");
        if (action is not ("start" or "stop" or "restart" or "kill"))
        {
            return Json(context, 400, new { status = 400, message = "Invalid power action. Must be one of: start, stop, restart, kill" });
        }

        if (WingsUnavailable)
        {
            return Json(context, 503, new { status = 503, message = "Wings daemon unavailable: Connection timeout" });
        }

        _ = action switch
        {
            "start" => Servers.Start(found),
            "stop" => Servers.Stop(found),
            "restart" => Servers.Restart(found),
            _ => Servers.Kill(found),
        };
        return AnswerNoContent
            ? Empty(context, 204)
            : Json(context, 200, new { data = new { success = true, message = $"Power action {action} sent successfully" } });
    }

    private Task CommandAsync(HttpContext context, string server)
    {
        if (Servers.Find(server) is not { } found)
        {
            return NotFound(context);
        }

        if (Refusal(context, found) is { } refused)
        {
            return refused;
        }

        if (StringField(JsonBodyOf(context), "command") is not { Length: > 0 } command)
        {
            return Json(context, 422, Errors("ValidationException", 422, "The command field is required."));
        }

        if (WingsUnavailable)
        {
            return Json(context, 503, new { status = 503, message = "Wings daemon unavailable: Connection timeout" });
        }

        if (found.StateAt(Now) != SimPowerState.Running)
        {
            return Json(context, 502, Errors("HttpException", 502, "Server must be online in order to send commands."));
        }

        Commands.Add(new ReceivedCommand(found.Id, command, Now));
        return Empty(context, 204);
    }

    private Task ReinstallAsync(HttpContext context, string server)
    {
        if (Servers.Find(server) is not { } found)
        {
            return NotFound(context);
        }

        if (Refusal(context, found) is { } refused)
        {
            return refused;
        }

        Servers.Reinstall(found, SimPowerState.Offline);
        return Empty(context, 202);
    }

    /// <summary>Upstream's 403 for the limited token and 409 for a suspended or installing server; null when neither applies.</summary>
    private Task? Refusal(HttpContext context, SimulatedServer found)
    {
        if (IsLimited(context))
        {
            return Json(context, 403, Errors("AccessDeniedHttpException", 403, "This action is unauthorized."));
        }

        return Conflict(found) is { } conflict ? Json(context, 409, Errors("ConflictHttpException", 409, conflict)) : null;
    }

    private string? Conflict(SimulatedServer server) => server.Suspended
        ? "This server is currently suspended and the functionality requested is unavailable."
        : server.StateAt(Now) == SimPowerState.Installing
            ? "This server has not yet completed its installation process, please try again later."
            : null;

    private object Attributes(SimulatedServer server)
    {
        var installing = server.StateAt(Now) == SimPowerState.Installing;
        return new
        {
            identifier = server.Id,
            uuid = server.Id,
            name = $"server-{server.Id}",
            status = server.Suspended ? "suspended" : installing ? "installing" : null,
            is_suspended = server.Suspended,
            is_installing = installing,
            is_transferring = false,
        };
    }

    private string CurrentState(SimulatedServer server) => server.StateAt(Now) switch
    {
        SimPowerState.Running => "running",
        SimPowerState.Starting => "starting",
        SimPowerState.Stopping => "stopping",
        _ => "offline",
    };

    private static Task NotFound(HttpContext context) =>
        Json(context, 404, Errors("NotFoundHttpException", 404, "The requested resource could not be found on the server."));

    private static object Errors(string code, int status, string detail) =>
        new { errors = new[] { new { code, status = status.ToString(System.Globalization.CultureInfo.InvariantCulture), detail } } };
}
