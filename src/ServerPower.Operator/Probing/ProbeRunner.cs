using System.Net.Http.Headers;
using System.Net.Sockets;
using ServerPower.Api.Resources;
using ServerPower.Providers.Outbound;
using ServerPower.Operator.Endpoints;

namespace ServerPower.Operator.Probing;

/// <summary>
/// tcpSocket: passes when the connection is accepted (then closed at once). httpGet: a GET that passes on 2xx or 3xx;
/// redirects are not followed (a 3xx passes as it is, nothing is sent to another host), the connection is not reused
/// (each probe shows whether the service accepts connections now) and the body is not read. Both give up after
/// timeoutSeconds, measured on the <see cref="TimeProvider"/>. Both connect through the <see cref="OutboundConnector"/>:
/// a target whose every address the outbound policy refuses is not connected to at all, and the attempt says which
/// rule refused it (nothing about the address or the port).
/// </summary>
public sealed class ProbeRunner : IProbeRunner, IDisposable
{
    // Stryker disable once String : a static initializer runs once per test host, before Stryker switches a mutant on; ProbeRunnerTests' header test fails with either part emptied (checked by hand)
    public static readonly ProductInfoHeaderValue UserAgent = new("serverpower-operator-probe", "1.0");

    private readonly TimeProvider time;
    private readonly HttpClient http;

    private readonly OutboundConnector connector;

    public ProbeRunner(TimeProvider time, OutboundConnector connector)
    {
        this.time = time;
        this.connector = connector;
        http = connector.UnpooledClient();
    }

    public async Task<ProbeAttempt> RunAsync(ReadinessProbeSpec probe, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        var limit = TimeSpan.FromSeconds(probe.TimeoutSeconds);
        using var timeout = new CancellationTokenSource(limit, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            // Stryker disable once Boolean : ConfigureAwait(true) is the same without a synchronization context (the operator has none)
            var (success, message) = probe.TcpSocket is { } tcp
                ? await ConnectAsync(tcp, linked.Token).ConfigureAwait(false)
                : await GetAsync(probe.HttpGet!, linked.Token).ConfigureAwait(false);
            return new ProbeAttempt(success, message, time.GetElapsedTime(started));
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return new ProbeAttempt(false, $"no answer within {probe.TimeoutSeconds}s", time.GetElapsedTime(started), TimedOut: true);
        }
        catch (Exception e) when (OutboundRefusedException.Find(e) is { } refused)
        {
            return new ProbeAttempt(false, $"not connected: {refused.Message}", time.GetElapsedTime(started), Refused: refused.Message);
        }
        catch (SocketException e)
        {
            return new ProbeAttempt(false, $"{Target(probe)}: {e.SocketErrorCode}", time.GetElapsedTime(started));
        }
        catch (HttpRequestException e)
        {
            var why = e.InnerException is SocketException s ? s.SocketErrorCode.ToString() : e.HttpRequestError.ToString();
            return new ProbeAttempt(false, $"{Target(probe)}: {why}", time.GetElapsedTime(started));
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or ArgumentException or UriFormatException)
        {
            return new ProbeAttempt(false, $"{Target(probe)}: {e.GetType().Name}", time.GetElapsedTime(started));
        }
    }

    private async Task<(bool, string)> ConnectAsync(TcpSocketProbe tcp, CancellationToken cancellationToken)
    {
        // Stryker disable once Boolean : ConfigureAwait(true) is the same without a synchronization context (the operator has none)
        await using var connection = await connector.ConnectAsync(tcp.Host, tcp.Port, cancellationToken).ConfigureAwait(false);
        return (true, $"tcp {tcp.Host}:{tcp.Port} accepted the connection");
    }

    private async Task<(bool, string)> GetAsync(HttpGetProbe get, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, get.Url);
        request.Headers.ConnectionClose = true;
        request.Headers.UserAgent.Add(UserAgent);
        // Stryker disable once Boolean : ConfigureAwait(true) is the same without a synchronization context (the operator has none)
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        var code = (int)response.StatusCode;
        return code switch
        {
            >= 200 and < 300 => (true, $"HTTP {code}"),
            >= 300 and < 400 => (true, $"HTTP {code} (redirect not followed)"),
            _ => (false, $"HTTP {code}"),
        };
    }

    private static string Target(ReadinessProbeSpec probe) =>
        probe.TcpSocket is { } tcp ? $"tcp {tcp.Host}:{tcp.Port}" : $"GET {EndpointPolicy.Redact(probe.HttpGet!.Url)}";

    public void Dispose() => http.Dispose();
}
