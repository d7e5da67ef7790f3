using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using ServerPower.Providers.Outbound;

namespace ServerPower.TestSupport;

/// <summary>
/// A stand-in for the outbound connector's resolver and sockets: names resolve to the addresses given here (an IP
/// literal to itself, any other name to HostNotFound), and every connect (TCP, or a UDP socket's) is recorded. Only a loopback address is really
/// connected to; any other connect fails the test at once, without a packet leaving the machine.
/// </summary>
public sealed class RecordingNetwork(IReadOnlyDictionary<string, IPAddress[]>? names = null) : IOutboundNetwork
{
    public ConcurrentQueue<string> Resolved { get; } = new();

    public ConcurrentQueue<IPEndPoint> Connected { get; } = new();

    public Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken)
    {
        Resolved.Enqueue(host);
        if (IPAddress.TryParse(host, out var literal)) return Task.FromResult<IPAddress[]>([literal]);
        if (names is not null && names.TryGetValue(host, out var addresses)) return Task.FromResult(addresses);
        throw new SocketException((int)SocketError.HostNotFound);
    }

    public Task<Stream> ConnectAsync(IPEndPoint endpoint, CancellationToken cancellationToken)
    {
        Connected.Enqueue(endpoint);
        if (!IPAddress.IsLoopback(endpoint.Address))
            throw new InvalidOperationException($"the test tried to connect to {endpoint}: tests never connect off this machine");
        return SystemOutboundNetwork.Instance.ConnectAsync(endpoint, cancellationToken);
    }

    public Task<Socket> ConnectDatagramAsync(IPEndPoint endpoint, CancellationToken cancellationToken)
    {
        Connected.Enqueue(endpoint);
        if (!IPAddress.IsLoopback(endpoint.Address))
            throw new InvalidOperationException($"the test tried to send to {endpoint}: tests never send off this machine");
        return SystemOutboundNetwork.Instance.ConnectDatagramAsync(endpoint, cancellationToken);
    }
}
