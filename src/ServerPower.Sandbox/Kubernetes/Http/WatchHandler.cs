using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using ServerPower.Sandbox.Kubernetes.Api;
using ServerPower.Sandbox.Kubernetes.Faults;
using ServerPower.Sandbox.Kubernetes.Storage;

namespace ServerPower.Sandbox.Kubernetes.Http;

/// <summary>
/// Streams watch events as newline-delimited JSON: resourceVersion "" or "0" starts with synthetic ADDED
/// events, a given version resumes from the retained window (ERROR 410 Expired when it is older),
/// BOOKMARKs when allowed, and the stream ends after timeoutSeconds. An injected fault may abort the connection
/// after a number of events, as a broken connection or a restarting server would.
/// </summary>
public sealed class WatchHandler(EmulatorState state)
{
    public async Task ServeAsync(HttpContext ctx, ApiRequest r, bool table, int? abortAfterEvents, CancellationToken stopping)
    {
        var query = ctx.Request.Query;
        var labels = LabelSelector.Parse(query["labelSelector"]);
        var fieldText = query["fieldSelector"].ToString();
        if (r.Name.Length > 0)
        {
            fieldText = string.IsNullOrEmpty(fieldText) ? $"metadata.name={r.Name}" : $"{fieldText},metadata.name={r.Name}";
        }
        var fields = FieldSelector.Parse(fieldText, r.Type);
        var rvText = query["resourceVersion"].ToString();
        var bookmarks = query["allowWatchBookmarks"].ToString() is "true" or "1";
        var timeout = int.TryParse(query["timeoutSeconds"], out var t) && t > 0 ? TimeSpan.FromSeconds(t) : (TimeSpan?)null;
        var ns = r.Namespace.Length > 0 ? r.Namespace : null;
        var initial = new List<WatchEvent>();
        Watcher watcher;
        JsonObject? expired = null;

        lock (state.Store.Gate)
        {
            if (rvText is "" or "0")
            {
                initial.AddRange(state.Store.List(r.Type.StorageKey, ns).Select(o =>
                    new WatchEvent("ADDED", o.ResourceVersion, r.Type.StorageKey, o.Namespace, o.Name, o.Labels, null, o.Json)));
            }
            else if (!long.TryParse(rvText, NumberStyles.None, CultureInfo.InvariantCulture, out var rv))
            {
                throw KubeStatus.BadRequest($"invalid resource version: {rvText}");
            }
            else if (rv < state.Store.CompactedThrough)
            {
                expired = KubeStatus.Expired(rv, state.Store.CompactedThrough).ToStatus();
            }
            else
            {
                initial.AddRange(state.Store.EventsSince(r.Type.StorageKey, rv));
            }
            watcher = state.Store.AddWatcher(r.Type.StorageKey, ns);
        }

        try
        {
            ctx.Response.StatusCode = 200;
            ctx.Response.ContentType = "application/json";
            ctx.Response.Headers.CacheControl = "no-cache, private";
            await ctx.Response.StartAsync(stopping);
            var body = ctx.Response.Body;
            if (expired is not null)
            {
                await WriteLineAsync(body, new JsonObject { ["type"] = "ERROR", ["object"] = expired }.ToJsonString(), stopping);
                return;
            }
            using var timeoutCts = timeout is { } span ? new CancellationTokenSource(span, state.Time) : new CancellationTokenSource();
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(ctx.RequestAborted, stopping, timeoutCts.Token);
            var token = linked.Token;
            var budget = new EventBudget(abortAfterEvents);
            if (budget.Spent)
            {
                await body.FlushAsync(token);
                throw Aborted(budget);
            }
            foreach (var e in initial)
            {
                if (await WriteEventAsync(body, r, e, labels, fields, table, token) && budget.Count())
                {
                    await body.FlushAsync(token);
                    throw Aborted(budget);
                }
            }
            await body.FlushAsync(token);
            if (await PumpAsync(body, r, watcher, labels, fields, table, bookmarks, budget, token))
            {
                throw Aborted(budget);
            }
        }
        catch (OperationCanceledException)
        {
            // Timeout, client gone or server stopping: the stream simply ends, as with the real server.
        }
        catch (IOException)
        {
            // Client went away.
        }
        finally
        {
            lock (state.Store.Gate)
            {
                state.Store.RemoveWatcher(watcher);
            }
        }
    }

    /// <summary>Streams live events; true when the fault's event budget is spent and the connection must be aborted.</summary>
    private async Task<bool> PumpAsync(Stream body, ApiRequest r, Watcher watcher, LabelSelector labels, FieldSelector fields,
        bool table, bool bookmarks, EventBudget budget, CancellationToken token)
    {
        var reader = watcher.Reader;
        while (!token.IsCancellationRequested)
        {
            var wrote = false;
            while (reader.TryRead(out var e))
            {
                var written = await WriteEventAsync(body, r, e, labels, fields, table, token);
                wrote |= written;
                if (written && budget.Count())
                {
                    await body.FlushAsync(token);
                    return true;
                }
            }
            if (wrote)
            {
                await body.FlushAsync(token);
            }
            if (!bookmarks)
            {
                if (!await reader.WaitToReadAsync(token)) return false;
                continue;
            }
            using var tick = new CancellationTokenSource(state.Options.BookmarkInterval, state.Time);
            using var waitCts = CancellationTokenSource.CreateLinkedTokenSource(token, tick.Token);
            try
            {
                if (!await reader.WaitToReadAsync(waitCts.Token)) return false;
            }
            catch (OperationCanceledException) when (tick.IsCancellationRequested && !token.IsCancellationRequested)
            {
                await WriteBookmarkAsync(body, r, watcher, token);
            }
        }
        return false;
    }

    private static InjectedFaultException Aborted(EventBudget budget) =>
        new($"watch aborted by an injected fault after {budget.Written} events");

    /// <summary>Events a faulted watch may still write; unlimited without a fault.</summary>
    private sealed class EventBudget(int? limit)
    {
        private int written;

        public int Written => written;

        public bool Spent => limit is { } n && written >= n;

        /// <summary>Counts one written event; true when that spent the budget.</summary>
        public bool Count()
        {
            written++;
            return Spent;
        }
    }

    /// <summary>A bookmark's version is safe only when every event up to it has been written: check under the store lock.</summary>
    private async Task WriteBookmarkAsync(Stream body, ApiRequest r, Watcher watcher, CancellationToken token)
    {
        long rv;
        lock (state.Store.Gate)
        {
            if (watcher.Reader.Count > 0)
            {
                return;
            }
            rv = state.Store.CurrentResourceVersion;
        }
        var bookmark = new JsonObject
        {
            ["type"] = "BOOKMARK",
            ["object"] = new JsonObject
            {
                ["kind"] = r.Type.Kind,
                ["apiVersion"] = r.Type.ApiVersion,
                ["metadata"] = new JsonObject { ["resourceVersion"] = rv.ToString(CultureInfo.InvariantCulture) },
            },
        };
        await WriteLineAsync(body, bookmark.ToJsonString(), token);
        await body.FlushAsync(token);
    }

    private async Task<bool> WriteEventAsync(Stream body, ApiRequest r, WatchEvent e, LabelSelector labels, FieldSelector fields, bool table, CancellationToken token)
    {
        var type = e.Type;
        if (!labels.IsEmpty && e.Type == "MODIFIED")
        {
            var now = labels.Matches(e.Labels);
            var before = e.OldLabels is not null && labels.Matches(e.OldLabels);
            if (!now && !before) return false;
            type = now && before ? "MODIFIED" : now ? "ADDED" : "DELETED";
        }
        else if (!labels.Matches(e.Labels))
        {
            return false;
        }
        if (!fields.Matches(e.Namespace, e.Name, fields.NeedsObject ? () => JsonNode.Parse(e.Json)!.AsObject() : null))
        {
            return false;
        }
        byte[] objectBytes;
        if (table)
        {
            var obj = JsonNode.Parse(e.Json)!.AsObject();
            obj["apiVersion"] = r.Type.ApiVersion;
            objectBytes = JsonSerializer.SerializeToUtf8Bytes(state.Tables.Build(r.Type, [obj],
                e.ResourceVersion.ToString(CultureInfo.InvariantCulture), null, null));
        }
        else
        {
            objectBytes = r.Type.MultiVersion ? state.Present(r.Type, new StoredObject(e.Namespace, e.Name, e.ResourceVersion, e.Labels, e.Json)) : e.Json;
        }
        await body.WriteAsync(Encoding.UTF8.GetBytes($"{{\"type\":\"{type}\",\"object\":"), token);
        await body.WriteAsync(objectBytes, token);
        await body.WriteAsync("}\n"u8.ToArray(), token);
        return true;
    }

    private static async Task WriteLineAsync(Stream body, string line, CancellationToken token)
    {
        await body.WriteAsync(Encoding.UTF8.GetBytes(line + "\n"), token);
        await body.FlushAsync(token);
    }
}
