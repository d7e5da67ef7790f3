using ServerPower.Providers.Outbound;

namespace ServerPower.Providers.Activity;

/// <summary>One Server List Ping over TCP through the <see cref="OutboundConnector"/>: connect, send, read one answer, close.</summary>
public static class MinecraftPing
{
    public static async Task<ActivityRead> ReadAsync(OutboundConnector connector, string host, int port, int maxBytes,
        CancellationToken cancellationToken)
    {
        await using var stream = await connector.ConnectAsync(host, port, cancellationToken).ConfigureAwait(false);
        await stream.WriteAsync(MinecraftStatus.Request(host, port), cancellationToken).ConfigureAwait(false);
        await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        return await MinecraftStatus.ReadAnswerAsync(stream, maxBytes, cancellationToken).ConfigureAwait(false);
    }
}
