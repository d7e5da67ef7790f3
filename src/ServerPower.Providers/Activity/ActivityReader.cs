using System.Net.Http.Headers;
using System.Net.Sockets;
using ServerPower.Providers.Http;
using ServerPower.Providers.Outbound;

namespace ServerPower.Providers.Activity;

/// <summary>
/// Reads a player count by the target's kind: <see cref="MinecraftPing"/>, <see cref="A2sQuery"/>, or an HTTP GET whose
/// JSON body has a number at the target's dotted path (2xx only; redirects not followed, the connection not reused).
/// Every connection goes through the <see cref="OutboundConnector"/>; each read gives up after
/// <see cref="ActivityReaderOptions.Timeout"/> on the <see cref="TimeProvider"/> and reads at most
/// <see cref="ActivityReaderOptions.MaxAnswerBytes"/>. Whatever goes wrong is an unknown read, never zero players.
/// </summary>
public sealed class ActivityReader : IActivityReader, IDisposable
{
    public static readonly ProductInfoHeaderValue UserAgent = new("serverpower-operator-activity", "1.0");

    private readonly OutboundConnector connector;
    private readonly TimeProvider time;
    private readonly ActivityReaderOptions options;
    private readonly HttpClient http;

    public ActivityReader(OutboundConnector connector, TimeProvider time, ActivityReaderOptions? options = null)
    {
        this.connector = connector;
        this.time = time;
        this.options = options ?? new ActivityReaderOptions();
        http = connector.UnpooledClient();
    }

    public async Task<ActivityRead> ReadAsync(ActivityTarget target, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(options.Timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            return target.Kind switch
            {
                ActivityKind.Minecraft => await MinecraftPing.ReadAsync(connector, target.Host, target.Port, options.MaxAnswerBytes, linked.Token).ConfigureAwait(false),
                ActivityKind.A2s => await A2sQuery.ReadAsync(connector, target.Host, target.Port, linked.Token).ConfigureAwait(false),
                _ => await GetAsync(target, linked.Token).ConfigureAwait(false),
            };
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return ActivityRead.Unknown(ActivityOutcome.TimedOut, $"no answer within {options.Timeout.TotalSeconds:0.###}s");
        }
        catch (Exception e) when (OutboundRefusedException.Find(e) is { } refused)
        {
            return ActivityRead.Unknown(ActivityOutcome.Refused, $"not connected: {refused.Message}");
        }
        catch (SocketException e)
        {
            return ActivityRead.Unknown(ActivityOutcome.Failed, e.SocketErrorCode.ToString());
        }
        catch (HttpRequestException e)
        {
            return ActivityRead.Unknown(ActivityOutcome.Failed, e.InnerException is SocketException s ? s.SocketErrorCode.ToString() : e.HttpRequestError.ToString());
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or ArgumentException or UriFormatException)
        {
            return ActivityRead.Unknown(ActivityOutcome.Failed, e.InnerException is SocketException s ? s.SocketErrorCode.ToString() : e.GetType().Name);
        }
    }

    private async Task<ActivityRead> GetAsync(ActivityTarget target, CancellationToken cancellationToken)
    {
        if (DottedJsonPath.Check(target.JsonPath) is { } why) return ActivityRead.Unknown(ActivityOutcome.Unreadable, why);
        using var request = new HttpRequestMessage(HttpMethod.Get, target.Url);
        request.Headers.ConnectionClose = true;
        request.Headers.UserAgent.Add(UserAgent);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        var code = (int)response.StatusCode;
        if (code is < 200 or >= 300) return ActivityRead.Unknown(ActivityOutcome.Failed, code is >= 300 and < 400 ? $"HTTP {code} (redirect not followed)" : $"HTTP {code}");
        var body = await BoundedBody.ReadAsync(response.Content, options.MaxAnswerBytes, cancellationToken).ConfigureAwait(false);
        return body is null
            ? ActivityRead.Unknown(ActivityOutcome.TooLarge, $"the answer is longer than {options.MaxAnswerBytes} bytes")
            : DottedJsonPath.Players(body, target.JsonPath);
    }

    public void Dispose() => http.Dispose();
}
