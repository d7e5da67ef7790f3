using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ServerPower.Api.Resources;

namespace ServerPower.Sandbox.Providers.Core;

/// <summary>
/// The shared core of the simulators: a Kestrel app on 127.0.0.1 with an ephemeral port whose pipeline is
/// record request → optional token bucket (429) → fault injection → the provider's auth → the provider's routes.
/// </summary>
public abstract class ProviderSimulator : IProviderSimulator
{
    private const string BodyKey = "serverpower.sim.body";

    private readonly SimulatedRateLimit? bucket;
    private long tooManyRequests;
    private WebApplication? app;

    protected ProviderSimulator(SimulatorOptions options)
    {
        Options = options;
        Servers = new ServerStore(options);
        Faults = new FaultInjector(options.TimeProvider);
        if (options.RateLimit is { } rate)
        {
            bucket = new SimulatedRateLimit(rate.RequestsPerSecond, rate.Burst, options.TimeProvider);
        }
    }

    public abstract ProviderType Type { get; }

    public Uri BaseAddress { get; private set; } = new("http://127.0.0.1/");

    public string Token => Options.Token;

    public RequestLog Requests { get; } = new();

    /// <summary>Requests answered 429 by the simulator's own rate limit (<see cref="SimulatorOptions.RateLimit"/>).</summary>
    public long TooManyRequestsAnswered => Interlocked.Read(ref tooManyRequests);

    public FaultInjector Faults { get; }

    public ActionLog Actions { get; } = new();

    /// <summary>Console commands delivered (providers with a console: Pterodactyl panel, Wings).</summary>
    public CommandLog Commands { get; } = new();

    public ServerStore Servers { get; }

    public SimulatorOptions Options { get; }

    protected TimeProvider Time => Options.TimeProvider;

    protected DateTimeOffset Now => Options.TimeProvider.GetUtcNow();

    /// <summary>Path prefix of the provider's API ("/api" for Wenium); part of <see cref="BaseAddress"/>.</summary>
    protected virtual string BasePath => "";

    protected abstract void MapRoutes(WebApplication routes);

    /// <summary>Checks credentials; answers and returns false when the request must stop here.</summary>
    protected abstract Task<bool> AuthorizeAsync(HttpContext context);

    /// <summary>The provider's 429 answer (Retry-After is already set when configured).</summary>
    protected abstract Task TooManyRequestsAsync(HttpContext context);

    public async ValueTask DisposeAsync()
    {
        if (app is not null)
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }

    protected async Task StartAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen =>
        {
            if (Options.Certificate is { } certificate)
            {
                listen.UseHttps(certificate);
            }
        }));
        app = builder.Build();
        app.Use(async (context, next) => await HandleAsync(context, next));
        MapRoutes(app);
        await app.StartAsync(cancellationToken);

        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        BaseAddress = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal).TrimEnd('/') + BasePath + "/");
    }

    private async Task HandleAsync(HttpContext context, Func<Task> next)
    {
        var request = context.Request;
        using var reader = new StreamReader(request.Body);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        context.Items[BodyKey] = body;
        var refused = bucket is not null && !bucket.TryTake();
        Requests.Add(Options.RecordRequests
            ? new RecordedRequest(
                request.Method,
                request.Path.Value ?? "",
                request.QueryString.Value ?? "",
                request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
                body,
                Now,
                refused)
            : null);
        if (SimulatedAction.Of(request.Method, request.Path.Value ?? "", body, Now) is { } action)
        {
            Actions.Add(action);
        }

        if (refused)
        {
            Interlocked.Increment(ref tooManyRequests);
            context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
            if (Options.RateLimit?.RetryAfter is { } retryAfter)
            {
                context.Response.Headers.RetryAfter = Seconds(retryAfter);
            }

            await TooManyRequestsAsync(context);
            return;
        }

        var fault = Faults.Take(request.Method, request.Path.Value ?? "");
        if (fault is not null && !await ApplyAsync(fault, context))
        {
            return;
        }

        if (fault is { AbortAfterAnswer: true })
        {
            await AnswerThenDropAsync(context, next);
            return;
        }

        if (await AuthorizeAsync(context))
        {
            await next();
        }
    }

    /// <summary>Carries the request out with its answer kept off the wire, then closes the connection.</summary>
    private async Task AnswerThenDropAsync(HttpContext context, Func<Task> next)
    {
        using var discarded = new MemoryStream();
        context.Features.Set<IHttpResponseBodyFeature>(new StreamResponseBodyFeature(discarded));
        if (await AuthorizeAsync(context))
        {
            await next();
        }

        context.Abort();
    }

    /// <summary>Applies a fault; true when the request should then be answered normally.</summary>
    private async Task<bool> ApplyAsync(FaultRule fault, HttpContext context)
    {
        if (fault.Delay is { } delay)
        {
            try
            {
                await Task.Delay(delay, Time, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }

        if (fault.Abort)
        {
            context.Abort();
            return false;
        }

        if (fault.StatusCode is not { } status)
        {
            return true;
        }

        context.Response.StatusCode = status;
        if (fault.RetryAfter is { } retryAfter)
        {
            context.Response.Headers.RetryAfter = Seconds(retryAfter);
        }

        foreach (var (name, value) in fault.Headers ?? new Dictionary<string, string>())
        {
            context.Response.Headers[name] = value;
        }

        if (fault.StreamedBodyBytes is { } bytes)
        {
            await StreamAsync(context, bytes);
        }
        else if (fault.Body is not null)
        {
            context.Response.ContentType = fault.ContentType ?? "application/json";
            await context.Response.WriteAsync(fault.Body, context.RequestAborted);
        }

        return false;
    }

    /// <summary>Writes a JSON array of <paramref name="bytes"/> bytes in chunks; stops quietly when the client goes away.</summary>
    private static async Task StreamAsync(HttpContext context, long bytes)
    {
        context.Response.ContentType = "application/json";
        var chunk = new byte[64 * 1024];
        Array.Fill(chunk, (byte)' ');
        chunk[0] = (byte)'[';
        try
        {
            for (var written = 0L; written < bytes && !context.RequestAborted.IsCancellationRequested; written += chunk.Length)
            {
                // A completed flush means the connection is gone: later writes would be dropped, not sent.
                var length = (int)Math.Min(chunk.Length, bytes - written);
                var flushed = await context.Response.BodyWriter.WriteAsync(chunk.AsMemory(0, length), context.RequestAborted);
                if (flushed.IsCompleted || flushed.IsCanceled)
                {
                    break;
                }

                chunk[0] = (byte)' ';
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or IOException)
        {
            // The client stopped reading: that is what a bounded reader does.
        }
    }

    protected static string BodyOf(HttpContext context) => context.Items[BodyKey] as string ?? "";

    /// <summary>The request body as JSON, or null when it is absent or not JSON.</summary>
    protected static JsonElement? JsonBodyOf(HttpContext context)
    {
        try
        {
            var body = BodyOf(context);
            if (body.Length == 0)
            {
                return null;
            }

            using var document = JsonDocument.Parse(body);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    protected static string? StringField(JsonElement? body, string name) =>
        body is { ValueKind: JsonValueKind.Object } obj && obj.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    /// <summary>The bearer token, or null when the header is missing or not "Bearer &lt;token&gt;".</summary>
    protected static string? BearerToken(HttpContext context)
    {
        var header = context.Request.Headers.Authorization.ToString();
        const string scheme = "Bearer ";
        return header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) && header.Length > scheme.Length
            ? header[scheme.Length..].Trim()
            : null;
    }

    /// <summary>The full token or the limited one; a missing token is never known.</summary>
    protected bool IsKnown(string? token) => token is not null && (token == Options.Token || token == Options.LimitedToken);

    protected bool IsLimited(HttpContext context) =>
        Options.LimitedToken is { } limited && BearerToken(context) == limited;

    protected static Task Json(HttpContext context, int status, object body)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(body, context.RequestAborted);
    }

    protected static Task Empty(HttpContext context, int status)
    {
        context.Response.StatusCode = status;
        return Task.CompletedTask;
    }

    private static string Seconds(TimeSpan delay) =>
        ((long)Math.Ceiling(delay.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
}
