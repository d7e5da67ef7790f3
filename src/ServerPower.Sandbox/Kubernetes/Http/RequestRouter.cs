using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using ServerPower.Sandbox.Kubernetes.Api;
using ServerPower.Sandbox.Kubernetes.Faults;
using ServerPower.Sandbox.Kubernetes.Rbac;

namespace ServerPower.Sandbox.Kubernetes.Http;

/// <summary>
/// Maps kube-apiserver URLs to discovery, OpenAPI and resource handlers; authenticates and authorizes, counts
/// resource requests and applies the scripted faults (<see cref="ApiFaults"/>).
/// </summary>
public sealed class RequestRouter
{
    private readonly EmulatorState state;
    private readonly Authorizer authorizer;
    private readonly Discovery discovery;
    private readonly OpenApiDocuments openApi;
    private readonly ResourceReader reader;
    private readonly ResourceWriter writer;
    private readonly WatchHandler watches;
    private readonly CancellationToken stopping;

    public RequestRouter(EmulatorState state, CancellationToken stopping)
    {
        this.state = state;
        this.stopping = stopping;
        authorizer = state.Authorizer;
        discovery = new Discovery(state);
        openApi = new OpenApiDocuments(state);
        reader = new ResourceReader(state);
        writer = new ResourceWriter(state);
        watches = new WatchHandler(state);
    }

    public string ServerAddress { get; set; } = "127.0.0.1:0";

    public async Task HandleAsync(HttpContext ctx)
    {
        try
        {
            await RouteAsync(ctx);
        }
        catch (KubeApiException e)
        {
            if (!ctx.Response.HasStarted)
            {
                await WriteAsync(ctx, ApiResult.Json(e.Code, e.ToStatus()));
            }
        }
    }

    private async Task RouteAsync(HttpContext ctx)
    {
        var path = ctx.Request.Path.Value ?? "/";
        if (path is "/healthz" or "/readyz" or "/livez")
        {
            ctx.Response.ContentType = "text/plain; charset=utf-8";
            await ctx.Response.WriteAsync("ok", ctx.RequestAborted);
            return;
        }
        var identity = authorizer.Authenticate(ctx.Request.Headers.Authorization.ToString() is { Length: > 0 } h ? h : null);
        var s = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        JsonNode? document = s switch
        {
            ["version"] => Discovery.Version(),
            ["api"] => Discovery.CoreVersions(ServerAddress),
            ["api", "v1"] => discovery.Resources("", "v1"),
            ["apis"] => discovery.Groups(),
            ["apis", var g] => discovery.Group(g) ?? throw KubeStatus.PathNotFound(),
            ["apis", var g, var v] => discovery.Resources(g, v) ?? throw KubeStatus.PathNotFound(),
            ["openapi", "v3"] => openApi.Root(),
            ["openapi", "v3", "api", "v1"] => openApi.GroupVersion("", "v1"),
            ["openapi", "v3", "apis", var g, var v] => openApi.GroupVersion(g, v) ?? throw KubeStatus.PathNotFound(),
            _ => null,
        };
        if (document is not null)
        {
            if (ctx.Request.Method is not ("GET" or "HEAD")) throw KubeStatus.MethodNotAllowed();
            await WriteAsync(ctx, ApiResult.Json(200, document));
            return;
        }
        var request = s switch
        {
            ["api", "v1", .. var rest] => ApiRequest.Parse(state.Registry, "", "v1", rest, ctx.Request.Method, IsWatch(ctx)),
            ["apis", var g, var v, .. var rest] => ApiRequest.Parse(state.Registry, g, v, rest, ctx.Request.Method, IsWatch(ctx)),
            _ => null,
        } ?? throw KubeStatus.PathNotFound();
        if (request.Type.Namespaced && request.Namespace.Length == 0 && request.Name.Length > 0)
        {
            throw KubeStatus.PathNotFound();
        }
        Authorize(identity, request, ctx);
        state.Requests.Add(new RequestKey(request.Type.Plural, request.Subresource, request.Verb, ctx.Request.Query["fieldManager"].ToString()));
        var fault = state.Faults.Take(request.Verb, request.Type.Plural, request.Subresource, request.Namespace, request.Name);
        if (fault?.Kind == ApiFaultKind.Conflict)
        {
            throw KubeStatus.Conflict(request.Type, request.Name);
        }
        if (fault is not null && await FailBeforeAsync(ctx, fault))
        {
            return;
        }
        await DispatchAsync(ctx, request, fault);
    }

    /// <summary>Applies a fault that strikes before the request is processed; false when it strikes later, or not here.</summary>
    private async Task<bool> FailBeforeAsync(HttpContext ctx, ApiFaultRule fault)
    {
        switch (fault.Kind)
        {
            case ApiFaultKind.TooManyRequests:
                ctx.Response.Headers.RetryAfter = fault.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                if (fault.StatusBody)
                {
                    var details = new JsonObject { ["retryAfterSeconds"] = fault.RetryAfterSeconds };
                    await WriteAsync(ctx, ApiResult.Json(429, KubeStatus.Failure(429, "TooManyRequests", TooManyRequestsText, details)));
                }
                else
                {
                    // API priority and fairness rejects with net/http's http.Error: plain text, not a Status.
                    ctx.Response.StatusCode = 429;
                    ctx.Response.ContentType = "text/plain; charset=utf-8";
                    ctx.Response.Headers.XContentTypeOptions = "nosniff";
                    await ctx.Response.WriteAsync(TooManyRequestsText + "\n", ctx.RequestAborted);
                }
                return true;
            case ApiFaultKind.InternalError:
                var causes = new JsonObject { ["causes"] = new JsonArray(new JsonObject { ["message"] = "injected fault" }) };
                await WriteAsync(ctx, ApiResult.Json(500, KubeStatus.Failure(500, "InternalError", "Internal error occurred: injected fault", causes)));
                return true;
            case ApiFaultKind.DropConnection:
                ctx.Abort();
                return true;
            case ApiFaultKind.Hang:
                using (var hung = CancellationTokenSource.CreateLinkedTokenSource(ctx.RequestAborted, stopping))
                {
                    try
                    {
                        await Task.Delay(Timeout.Infinite, hung.Token);
                    }
                    catch (OperationCanceledException)
                    {
                    }
                }
                ctx.Abort();
                return true;
            default:
                return false;
        }
    }

    private const string TooManyRequestsText = "Too many requests, please try again later.";

    private static bool IsWatch(HttpContext ctx) => ctx.Request.Query["watch"].ToString() is "true" or "1";

    private void Authorize(EmulatorIdentity? identity, ApiRequest r, HttpContext ctx)
    {
        var name = r.Name;
        if (name.Length == 0 && r.Verb is "list" or "watch")
        {
            name = FieldSelector.Parse(ctx.Request.Query["fieldSelector"], r.Type).PinnedName ?? "";
        }
        Authorizer.Authorize(identity, new RequestAttributes(r.Verb, r.Type.Group, r.Type.Plural, r.Subresource, r.Namespace, name));
    }

    private async Task DispatchAsync(HttpContext ctx, ApiRequest r, ApiFaultRule? fault)
    {
        var q = ctx.Request.Query;
        var table = TableBuilder.Wants(ctx.Request.Headers.Accept.ToString());
        if (r.Verb is "create" or "update" or "patch" or "delete" or "deletecollection")
        {
            state.Writes.Add(new WriteKey(r.Type.Plural, r.Subresource, r.Verb));
        }
        var options = WriteOptions.From(q, ctx.Request.Headers.UserAgent.ToString());
        ApiResult result;
        switch (r.Verb)
        {
            case "watch":
                await watches.ServeAsync(ctx, r, table, fault?.Kind == ApiFaultKind.AbortWatch ? fault.AfterEvents : null, stopping);
                return;
            case "get":
                result = reader.Get(r, table, q["includeObject"]);
                break;
            case "list":
                result = reader.List(r, q, table);
                break;
            case "create":
                result = writer.Create(r, await ReadObjectAsync(ctx), options);
                break;
            case "update":
                result = writer.Update(r, await ReadObjectAsync(ctx), options);
                break;
            case "patch":
                result = writer.Patch(r, ctx.Request.ContentType, await ReadTextAsync(ctx), options);
                break;
            case "delete":
                var text = await ReadTextAsync(ctx);
                result = writer.Delete(r, text.Trim().Length > 0 ? ResourceWriter.ParseJson(text) as JsonObject : null, options);
                break;
            case "deletecollection":
                result = writer.DeleteCollection(r, q, options);
                break;
            default:
                throw KubeStatus.MethodNotAllowed();
        }
        switch (fault?.Kind)
        {
            case ApiFaultKind.DropConnectionAfterCommit:
                ctx.Abort();
                return;
            case ApiFaultKind.TimeoutAfterCommit:
                // What the server's timeout filter answers when the handler (here: the committed write) outlived the request.
                result = ApiResult.Json(504, KubeStatus.Failure(504, "Timeout",
                    "Timeout: request did not complete within requested timeout - context deadline exceeded", new JsonObject()));
                break;
        }
        await WriteAsync(ctx, result);
    }

    private static async Task<string> ReadTextAsync(HttpContext ctx)
    {
        using var streamReader = new StreamReader(ctx.Request.Body, Encoding.UTF8);
        return await streamReader.ReadToEndAsync(ctx.RequestAborted);
    }

    private static async Task<JsonObject> ReadObjectAsync(HttpContext ctx)
    {
        var contentType = ctx.Request.ContentType ?? "application/json";
        if (contentType.Contains("protobuf", StringComparison.OrdinalIgnoreCase))
        {
            using var buffer = new MemoryStream();
            await ctx.Request.Body.CopyToAsync(buffer, ctx.RequestAborted);
            return ProtobufBody.Decode(buffer.ToArray());
        }
        var text = await ReadTextAsync(ctx);
        if (contentType.Contains("yaml", StringComparison.OrdinalIgnoreCase) && !text.TrimStart().StartsWith('{'))
        {
            var docs = YamlJson.ParseDocuments(text);
            return docs.Count == 1 ? docs[0] : throw KubeStatus.BadRequest("the body must hold exactly one object");
        }
        return ResourceWriter.ParseJson(text) as JsonObject ?? throw KubeStatus.BadRequest("the body must be a JSON object");
    }

    private static async Task WriteAsync(HttpContext ctx, ApiResult result)
    {
        ctx.Response.StatusCode = result.StatusCode;
        ctx.Response.ContentType = "application/json";
        foreach (var w in result.Warnings)
        {
            ctx.Response.Headers.Append("Warning", $"299 - \"{w.Replace("\\", "\\\\").Replace("\"", "\\\"")}\"");
        }
        if (ctx.Request.Method != "HEAD")
        {
            await ctx.Response.Body.WriteAsync(result.Body, ctx.RequestAborted);
        }
    }
}
