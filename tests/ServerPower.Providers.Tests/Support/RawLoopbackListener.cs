using System.Net;
using System.Net.Sockets;

namespace ServerPower.Providers.Tests.Support;

/// <summary>
/// A raw TCP listener on 127.0.0.1 for tests that need what Kestrel will not do (hang up mid-exchange, stream a body
/// and count what the socket accepted): it accepts connections until disposed and hands each to <see cref="ServeAsync"/>.
/// </summary>
public abstract class RawLoopbackListener : IAsyncDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource stopping = new();
    private Task? accepting;

    public Uri BaseAddress => new($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/");

    /// <summary>Cancelled when the listener is disposed.</summary>
    protected CancellationToken Stopping => stopping.Token;

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        listener.Stop();
        try
        {
            if (accepting is not null) await accepting;
        }
        catch (Exception exception) when (exception is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        stopping.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>Starts listening; call it at the end of the derived constructor.</summary>
    protected void Start()
    {
        listener.Start();
        accepting = AcceptAsync();
    }

    protected abstract Task ServeAsync(TcpClient client);

    private async Task AcceptAsync()
    {
        while (!stopping.IsCancellationRequested)
        {
            var client = await listener.AcceptTcpClientAsync(stopping.Token);
            _ = ServeAsync(client);
        }
    }
}
