using ServerPower.Providers.Outbound;

namespace ServerPower.Providers.Activity;

/// <summary>
/// One A2S_INFO exchange over UDP through the <see cref="OutboundConnector"/> (the address is checked before the socket
/// exists): send the request, answer one challenge by resending it with the challenge appended, read the info. A
/// second challenge is Unreadable; a datagram longer than <see cref="A2sInfo.MaxDatagramBytes"/> is TooLarge.
/// </summary>
public static class A2sQuery
{
    public static async Task<ActivityRead> ReadAsync(OutboundConnector connector, string host, int port, CancellationToken cancellationToken)
    {
        using var socket = await connector.ConnectDatagramAsync(host, port, cancellationToken).ConfigureAwait(false);
        var buffer = new byte[A2sInfo.MaxDatagramBytes + 1];
        byte[] challenge = [];
        for (var attempt = 0; attempt < 2; attempt++)
        {
            await socket.SendAsync(A2sInfo.Request(challenge), cancellationToken).ConfigureAwait(false);
            var received = await socket.ReceiveAsync(buffer, cancellationToken).ConfigureAwait(false);
            if (received > A2sInfo.MaxDatagramBytes)
                return ActivityRead.Unknown(ActivityOutcome.TooLarge, $"the answer is longer than {A2sInfo.MaxDatagramBytes} bytes");
            var answer = A2sInfo.Parse(buffer.AsSpan(0, received));
            if (answer.Read is { } read) return read;
            challenge = answer.Challenge!;
        }
        return ActivityRead.Unknown(ActivityOutcome.Unreadable, "the server asked for a challenge again");
    }
}
