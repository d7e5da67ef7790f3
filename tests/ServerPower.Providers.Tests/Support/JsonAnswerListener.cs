using System.Net.Sockets;
using System.Text;

namespace ServerPower.Providers.Tests.Support;

/// <summary>A raw HTTP/1.1 listener on 127.0.0.1 that answers every request with <see cref="Status"/> and <see cref="Body"/>, then closes.</summary>
public sealed class JsonAnswerListener : RawLoopbackListener
{
    private int requests;

    public JsonAnswerListener(string body, int status = 200)
    {
        Body = body;
        Status = status;
        Start();
    }

    public string Body { get; set; }

    public int Status { get; set; }

    public int Requests => Volatile.Read(ref requests);

    protected override async Task ServeAsync(TcpClient client)
    {
        using var _ = client;
        try
        {
            var stream = client.GetStream();
            var request = new StringBuilder();
            var buffer = new byte[4096];
            while (!request.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
            {
                var read = await stream.ReadAsync(buffer, Stopping);
                if (read == 0) return;
                request.Append(Encoding.ASCII.GetString(buffer, 0, read));
            }
            Interlocked.Increment(ref requests);
            var body = Encoding.UTF8.GetBytes(Body);
            var location = Status is >= 300 and < 400 ? "Location: http://elsewhere.invalid/\r\n" : "";
            var head = $"HTTP/1.1 {Status} Answer\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\n{location}Connection: close\r\n\r\n";
            await stream.WriteAsync(Encoding.ASCII.GetBytes(head), Stopping);
            await stream.WriteAsync(body, Stopping);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or SocketException)
        {
        }
    }
}
