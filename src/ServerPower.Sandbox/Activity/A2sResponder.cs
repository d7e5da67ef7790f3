using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace ServerPower.Sandbox.Activity;

/// <summary>
/// A Source engine server as far as A2S_INFO goes (Valve developer wiki "Server queries"), on a loopback UDP port. A
/// request is FF FF FF FF 54 "Source Engine Query\0", optionally followed by a 4-byte challenge. With
/// <see cref="RequireChallenge"/>, a request without the right challenge gets FF FF FF FF 41 and the challenge; otherwise
/// the answer is FF FF FF FF 49: protocol, name, map, folder, game (NUL-terminated), id (little-endian short), players,
/// max players, bots, server type, environment, visibility, VAC, version (NUL-terminated), extra data flag 0x80 and
/// the game port. Other datagrams get no answer. Closed, the port is unreachable (UDP answers with ICMP).
/// </summary>
public sealed class A2sResponder : IAsyncDisposable
{
    private static readonly byte[] Query = [0xFF, 0xFF, 0xFF, 0xFF, 0x54, .. Encoding.ASCII.GetBytes("Source Engine Query"), 0x00];
    private readonly Lock gate = new();
    private readonly byte[] challenge = RandomNumberGenerator.GetBytes(4);
    private UdpClient? socket;
    private CancellationTokenSource? serving;
    private int players;
    private int bots;
    private int requests;
    private int challenged;
    private TaskCompletionSource nextRequest = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private A2sResponder(int port, IPAddress address)
    {
        Port = port;
        Address = address;
    }

    public IPAddress Address { get; }

    public int Port { get; private set; }

    /// <summary>Players in the next answer, bots included; may change at any time.</summary>
    public int Players
    {
        get => Volatile.Read(ref players);
        set => Volatile.Write(ref players, value);
    }

    /// <summary>Bots among <see cref="Players"/>.</summary>
    public int Bots
    {
        get => Volatile.Read(ref bots);
        set => Volatile.Write(ref bots, value);
    }

    public int MaxPlayers { get; set; } = 24;

    public bool RequireChallenge { get; set; }

    public A2sFakeMode Mode { get; set; } = A2sFakeMode.Answer;

    /// <summary>Well-formed A2S_INFO requests received.</summary>
    public int Requests => Volatile.Read(ref requests);

    /// <summary>Requests that carried the right challenge.</summary>
    public int ChallengedRequests => Volatile.Read(ref challenged);

    /// <summary>Completes when the next well-formed request is received (before it is answered, if it is).</summary>
    public Task NextRequest
    {
        get { lock (gate) return nextRequest.Task; }
    }

    /// <param name="address">A loopback address (default 127.0.0.1).</param>
    public static A2sResponder Start(int port = 0, IPAddress? address = null, int players = 0, int bots = 0)
    {
        if (address is not null && !IPAddress.IsLoopback(address)) throw new ArgumentException("a loopback address only", nameof(address));
        var responder = new A2sResponder(port, address ?? IPAddress.Loopback) { Players = players, Bots = bots };
        responder.Open();
        return responder;
    }

    /// <summary>Listens (again) on <see cref="Port"/>.</summary>
    public void Open()
    {
        lock (gate)
        {
            if (socket is not null) return;
            var s = new UdpClient(new IPEndPoint(Address, Port));
            Port = ((IPEndPoint)s.Client.LocalEndPoint!).Port;
            socket = s;
            serving = new CancellationTokenSource();
            _ = ServeAsync(s, serving.Token);
        }
    }

    /// <summary>Stops listening: the port is unreachable.</summary>
    public void Close()
    {
        lock (gate)
        {
            serving?.Cancel();
            serving?.Dispose();
            serving = null;
            socket?.Dispose();
            socket = null;
        }
    }

    /// <summary>The A2S_INFO answer datagram for the current counts.</summary>
    public byte[] InfoAnswer()
    {
        var answer = new List<byte> { 0xFF, 0xFF, 0xFF, 0xFF, 0x49, 17 };
        foreach (var text in new[] { "ServerPower sandbox", "de_dust2", "cstrike", "Counter-Strike: Source" })
        {
            answer.AddRange(Encoding.UTF8.GetBytes(text));
            answer.Add(0);
        }
        answer.AddRange([240, 0, (byte)Players, (byte)MaxPlayers, (byte)Bots, (byte)'d', (byte)'l', 0, 1]);
        answer.AddRange(Encoding.ASCII.GetBytes("1.0.0.0"));
        answer.AddRange([0, 0x80, (byte)(Port & 0xFF), (byte)(Port >> 8)]);
        return [.. answer];
    }

    private async Task ServeAsync(UdpClient s, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            UdpReceiveResult received;
            try
            {
                received = await s.ReceiveAsync(cancellationToken);
            }
            catch (SocketException)
            {
                // An ICMP error for an earlier answer (the reader had gone): keep serving.
                continue;
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            if (Answer(received.Buffer) is not { } answer) continue;
            try
            {
                await s.SendAsync(answer, received.RemoteEndPoint, cancellationToken);
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
            {
            }
        }
    }

    private byte[]? Answer(byte[] request)
    {
        var withChallenge = request.Length == Query.Length + 4;
        if ((request.Length != Query.Length && !withChallenge) || !request.AsSpan(0, Query.Length).SequenceEqual(Query)) return null;
        Interlocked.Increment(ref requests);
        var rightChallenge = withChallenge && request.AsSpan(Query.Length).SequenceEqual(challenge);
        if (rightChallenge) Interlocked.Increment(ref challenged);
        TaskCompletionSource signal;
        lock (gate)
        {
            signal = nextRequest;
            nextRequest = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        signal.TrySetResult();
        return Mode switch
        {
            A2sFakeMode.Silent => null,
            A2sFakeMode.Garbage => Encoding.ASCII.GetBytes("this is not an A2S answer"),
            A2sFakeMode.ChallengeForever => [0xFF, 0xFF, 0xFF, 0xFF, 0x41, .. RandomNumberGenerator.GetBytes(4)],
            _ when RequireChallenge && !rightChallenge => [0xFF, 0xFF, 0xFF, 0xFF, 0x41, .. challenge],
            A2sFakeMode.Oversized => [.. InfoAnswer(), .. new byte[4000 - InfoAnswer().Length]],
            _ => InfoAnswer(),
        };
    }

    public ValueTask DisposeAsync()
    {
        Close();
        return ValueTask.CompletedTask;
    }
}
