using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ServerPower.Providers.Tests.Support;

/// <summary>
/// A raw HTTP/1.1 listener on 127.0.0.1 that answers every request 200 with a JSON-looking body of a given size
/// (no Content-Length, closed at the end) and counts the bytes the socket actually accepted: a client that
/// stops reading makes the writes fail, so the count stays near what it read plus the kernel's buffers.
/// </summary>
public sealed class HugeAnswerListener : RawLoopbackListener
{
    private readonly long size;
    private long sent;
    private int ended;

    public HugeAnswerListener(long size)
    {
        this.size = size;
        Start();
    }

    /// <summary>Body bytes the socket accepted, over every answer.</summary>
    public long Sent => Interlocked.Read(ref sent);

    /// <summary>Answers that ended, by sending everything or because the client went away.</summary>
    public int Ended => Volatile.Read(ref ended);

    protected override async Task ServeAsync(TcpClient client)
    {
        using var _ = client;
        try
        {
            var stream = client.GetStream();
            var request = new List<byte>();
            var buffer = new byte[4096];
            while (!Encoding.ASCII.GetString(request.ToArray()).Contains("\r\n\r\n", StringComparison.Ordinal))
            {
                var read = await stream.ReadAsync(buffer, Stopping);
                if (read == 0)
                {
                    return;
                }

                request.AddRange(buffer.AsSpan(0, read));
            }

            await stream.WriteAsync("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n"u8.ToArray(), Stopping);
            var chunk = new byte[64 * 1024];
            Array.Fill(chunk, (byte)' ');
            chunk[0] = (byte)'[';
            for (var written = 0L; written < size; written += chunk.Length)
            {
                var length = (int)Math.Min(chunk.Length, size - written);
                await stream.WriteAsync(chunk.AsMemory(0, length), Stopping);
                Interlocked.Add(ref sent, length);
                chunk[0] = (byte)' ';
            }
        }
        catch (Exception exception) when (exception is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
        finally
        {
            Interlocked.Increment(ref ended);
        }
    }
}
