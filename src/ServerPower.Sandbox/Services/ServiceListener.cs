using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ServerPower.Sandbox.Services;

/// <summary>
/// A stand-in for the service on a simulated server, on 127.0.0.1 (or another loopback address), for readiness probes: it accepts TCP connections and
/// answers an HTTP request with <see cref="StatusCode"/> (a 3xx carries a Location on another host). It can be closed
/// (connections are refused) and opened again on the same port, and can hang (accept, read, never answer).
/// </summary>
public sealed class ServiceListener : IAsyncDisposable
{
    private readonly Lock gate = new();
    private TcpListener? listener;
    private CancellationTokenSource? serving;
    private int accepted;
    private TaskCompletionSource nextConnection = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private readonly IPAddress address;

    private ServiceListener(int port, IPAddress address)
    {
        Port = port;
        this.address = address;
    }

    /// <summary>The address it listens on.</summary>
    public IPAddress Address => address;

    public int Port { get; private set; }

    /// <summary>The HTTP status an HTTP request gets (default 200).</summary>
    public int StatusCode { get; set; } = 200;

    /// <summary>True: accept and read, but never answer (a slow service).</summary>
    public bool Hang { get; set; }

    public bool IsOpen
    {
        get { lock (gate) return listener is not null; }
    }

    /// <summary>Connections accepted so far.</summary>
    public int Accepted => Volatile.Read(ref accepted);

    /// <param name="address">A loopback address (default 127.0.0.1).</param>
    public static ServiceListener Start(int port = 0, IPAddress? address = null)
    {
        if (address is not null && !IPAddress.IsLoopback(address)) throw new ArgumentException("a loopback address only", nameof(address));
        var service = new ServiceListener(port, address ?? IPAddress.Loopback);
        service.Open();
        return service;
    }

    /// <summary>Completes when the next connection is accepted.</summary>
    public Task NextConnection
    {
        get { lock (gate) return nextConnection.Task; }
    }

    /// <summary>Listens (again) on <see cref="Port"/>.</summary>
    public void Open()
    {
        lock (gate)
        {
            if (listener is not null) return;
            var l = new TcpListener(address, Port);
            l.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            l.Start();
            Port = ((IPEndPoint)l.LocalEndpoint).Port;
            listener = l;
            serving = new CancellationTokenSource();
            _ = AcceptLoopAsync(l, serving.Token);
        }
    }

    /// <summary>Stops listening: new connections are refused; open ones are closed.</summary>
    public void Close()
    {
        lock (gate)
        {
            serving?.Cancel();
            serving?.Dispose();
            serving = null;
            listener?.Stop();
            listener = null;
        }
    }

    private async Task AcceptLoopAsync(TcpListener l, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await l.AcceptTcpClientAsync(cancellationToken);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException || cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException)
            {
                // A connection that failed between the handshake and accept (reset, aborted): keep accepting.
                continue;
            }
            Interlocked.Increment(ref accepted);
            TaskCompletionSource signal;
            lock (gate)
            {
                signal = nextConnection;
                nextConnection = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
            signal.TrySetResult();
            _ = ServeAsync(client, cancellationToken);
        }
    }

    private async Task ServeAsync(TcpClient client, CancellationToken cancellationToken)
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

    public ValueTask DisposeAsync()
    {
        Close();
        return ValueTask.CompletedTask;
    }
}
