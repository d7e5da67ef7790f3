using System.Net;
using System.Net.Sockets;

namespace ServerPower.Providers.Outbound;

/// <summary>
/// The two steps of a connection that <see cref="OutboundConnector"/> puts its check between: resolving a name and
/// connecting to one address. The system's DNS and sockets in production; tests put a recording stand-in here to show
/// that a refused address is never connected to.
/// </summary>
public interface IOutboundNetwork
{
    Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken);

    Task<Stream> ConnectAsync(IPEndPoint endpoint, CancellationToken cancellationToken);

    /// <summary>A UDP socket connected to <paramref name="endpoint"/> (it sends there and receives only from there).</summary>
    Task<Socket> ConnectDatagramAsync(IPEndPoint endpoint, CancellationToken cancellationToken);
}
