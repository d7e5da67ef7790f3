using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ServerPower.Sandbox.Services;

/// <summary>
/// A stand-in for the service on a simulated server, on 127.0.0.1 (or another loopback address), for readiness probes: it accepts TCP connections and
/// answers an HTTP request with <see cref="StatusCode"/> (a 3xx carries a Location on another host). It can be closed
/// (connections are refused) and opened again on the same port, and can hang (accept, read, never answer).
/// </summary>
public sealed class ServiceListener : LoopbackTcpListener
{
    private ServiceListener(int port, IPAddress? address) : base(port, address)
    {
    }

    /// <summary>The HTTP status an HTTP request gets (default 200).</summary>
    public int StatusCode { get; set; } = 200;

    /// <summary>True: accept and read, but never answer (a slow service).</summary>
    public bool Hang { get; set; }

    /// <summary>The head (request line and headers) of the last HTTP request read, or null.</summary>
    public string? LastRequest { get; private set; }

    /// <param name="address">A loopback address (default 127.0.0.1).</param>
    public static ServiceListener Start(int port = 0, IPAddress? address = null)
    {
        var service = new ServiceListener(port, address);
        service.Open();
        return service;
    }

    protected override async Task ServeAsync(TcpClient client, CancellationToken cancellationToken)
    {
        using var _ = client;
        try
        {
            var stream = client.GetStream();
            var buffer = new byte[4096];
            var request = new StringBuilder();
            while (!request.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
            {
                var n = await stream.ReadAsync(buffer, cancellationToken);
                if (n == 0) return;
                request.Append(Encoding.ASCII.GetString(buffer, 0, n));
                if (request.Length > 65536) return;
            }
            LastRequest = request.ToString();
            if (Hang)
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
                return;
            }
            var code = StatusCode;
            var location = code is >= 300 and < 400 ? "Location: http://elsewhere.invalid/\r\n" : "";
            var answer = $"HTTP/1.1 {code} Status\r\nContent-Length: 0\r\nConnection: close\r\n{location}\r\n";
            await stream.WriteAsync(Encoding.ASCII.GetBytes(answer), cancellationToken);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
        {
        }
    }
}
