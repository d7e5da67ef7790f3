using System.Net;
using System.Net.Sockets;

namespace ServerPower.Sandbox.Services;

/// <summary>
/// A TCP listener on a loopback address for the sandbox's stand-ins of services on simulated servers: it can be closed
/// (connections are refused) and opened again on the same port, counts the connections it accepted, and hands each to
/// <see cref="ServeAsync"/>.
/// </summary>
public abstract class LoopbackTcpListener : IAsyncDisposable
{
    private readonly Lock gate = new();
    private TcpListener? listener;
    private CancellationTokenSource? serving;
    private int accepted;
    private TaskCompletionSource nextConnection = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <param name="address">A loopback address (default 127.0.0.1).</param>
    protected LoopbackTcpListener(int port, IPAddress? address)
    {
        if (address is not null && !IPAddress.IsLoopback(address)) throw new ArgumentException("a loopback address only", nameof(address));
        Port = port;
        Address = address ?? IPAddress.Loopback;
    }

    /// <summary>The address it listens on.</summary>
    public IPAddress Address { get; }

    public int Port { get; private set; }

    public bool IsOpen
    {
        get { lock (gate) return listener is not null; }
    }

    /// <summary>Connections accepted so far.</summary>
    public int Accepted => Volatile.Read(ref accepted);

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
            var l = new TcpListener(Address, Port);
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

    /// <summary>Serves one accepted connection (and disposes it); cancelled when the listener closes.</summary>
    protected abstract Task ServeAsync(TcpClient client, CancellationToken cancellationToken);

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

    public ValueTask DisposeAsync()
    {
        Close();
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }
}
