using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ServerPower.Providers.Tests.Support;

/// <summary>
/// A raw HTTP/1.1 listener on 127.0.0.1: it answers the first <c>answered</c> requests it receives normally on
/// keep-alive connections, then reads every later request completely and hangs up without answering a byte: what
/// a provider (or a proxy) closing an idle keep-alive connection looks like. It records every request received
/// with the number of the connection it came on.
/// </summary>
public sealed class HangUpListener : RawLoopbackListener
{
    private readonly ConcurrentQueue<(int Connection, string RequestLine)> received = new();
    private readonly string answer;
    private readonly int answered;
    private int requests;
    private int connections;

    public HangUpListener(string answerJson, int answered = 1)
    {
        answer = answerJson;
        this.answered = answered;
        Start();
    }

    /// <summary>Request lines ("POST /path?query") in the order received, on every connection.</summary>
    public IReadOnlyList<string> Received => received.Select(r => r.RequestLine).ToArray();

    /// <summary>The connection (numbered from 1 in accept order) of each request, in the order received.</summary>
    public IReadOnlyList<int> Connections => received.Select(r => r.Connection).ToArray();

    public int Count(string requestLineStart) => Received.Count(line => line.StartsWith(requestLineStart, StringComparison.Ordinal));

    protected override async Task ServeAsync(TcpClient client)
    {
        using var _ = client;
        var connection = Interlocked.Increment(ref connections);
        try
        {
            var stream = client.GetStream();
            var buffer = new List<byte>();
            while (await ReadRequestAsync(stream, buffer) is { } requestLine)
            {
                received.Enqueue((connection, requestLine));
                if (Interlocked.Increment(ref requests) > answered)
                {
                    // A graceful close (FIN), as an idle-timeout close looks: the client reads end of stream.
                    client.Client.Shutdown(SocketShutdown.Both);
                    return;
                }

                var body = Encoding.UTF8.GetBytes(answer);
                var head = $"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\nConnection: keep-alive\r\n\r\n";
                await stream.WriteAsync(Encoding.ASCII.GetBytes(head), Stopping);
                await stream.WriteAsync(body, Stopping);
            }
        }
        catch (Exception exception) when (exception is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }

    /// <summary>Reads one request (headers and its Content-Length body); returns its request line, or null at EOF.</summary>
    private async Task<string?> ReadRequestAsync(NetworkStream stream, List<byte> buffer)
    {
        var chunk = new byte[4096];
        int headerEnd;
        while ((headerEnd = IndexOf(buffer, "\r\n\r\n"u8.ToArray())) < 0)
        {
            var read = await stream.ReadAsync(chunk, Stopping);
            if (read == 0)
            {
                return null;
            }

            buffer.AddRange(chunk.AsSpan(0, read));
        }

        var head = Encoding.ASCII.GetString(buffer.GetRange(0, headerEnd).ToArray());
        var lines = head.Split("\r\n");
        var contentLength = lines
            .Select(line => line.Split(':', 2))
            .Where(parts => parts.Length == 2 && parts[0].Trim().Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            .Select(parts => int.Parse(parts[1].Trim(), System.Globalization.CultureInfo.InvariantCulture))
            .FirstOrDefault();
        var total = headerEnd + 4 + contentLength;
        while (buffer.Count < total)
        {
            var read = await stream.ReadAsync(chunk, Stopping);
            if (read == 0)
            {
                return null;
            }

            buffer.AddRange(chunk.AsSpan(0, read));
        }

        buffer.RemoveRange(0, total);
        var requestLine = lines[0].Split(' ');
        return $"{requestLine[0]} {requestLine[1]}";
    }

    private static int IndexOf(List<byte> buffer, byte[] pattern)
    {
        for (var i = 0; i + pattern.Length <= buffer.Count; i++)
        {
            var match = true;
            for (var j = 0; j < pattern.Length && match; j++)
            {
                match = buffer[i + j] == pattern[j];
            }

            if (match)
            {
                return i;
            }
        }

        return -1;
    }
}
