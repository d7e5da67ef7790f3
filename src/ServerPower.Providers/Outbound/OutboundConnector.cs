using System.Net;
using System.Net.Sockets;

namespace ServerPower.Providers.Outbound;

/// <summary>
/// The one way the operator connects anywhere on a tenant's behalf: resolves the name itself, checks every address it
/// resolved to against the <see cref="OutboundPolicy"/>, and connects only to an allowed one (in the resolver's order,
/// the next after a failed attempt). The check is on the address connected to, at connect time, so a name that passes
/// a host allowlist but resolves (or is rebound) to a refused address connects nowhere. Provider calls use
/// <see cref="ConnectCallback"/> (SocketsHttpHandler.ConnectCallback), readiness probes and activity reads
/// <see cref="ConnectAsync"/>, UDP activity reads <see cref="ConnectDatagramAsync"/>; any later outbound reader must use
/// one of these, or a handler from <see cref="Handler"/>, and nothing else.
/// </summary>
public sealed class OutboundConnector(OutboundPolicy policy, IOutboundNetwork network)
{
    public OutboundConnector(OutboundPolicy policy) : this(policy, SystemOutboundNetwork.Instance)
    {
    }

    public OutboundPolicy Policy => policy;

    /// <summary>A connected stream to <paramref name="host"/>:<paramref name="port"/>, or <see cref="OutboundRefusedException"/> before any connect.</summary>
    public Task<Stream> ConnectAsync(string host, int port, CancellationToken cancellationToken) =>
        FirstAllowedAsync(host, port, network.ConnectAsync, cancellationToken);

    /// <summary>
    /// A UDP socket connected to <paramref name="host"/>:<paramref name="port"/>, or <see cref="OutboundRefusedException"/>
    /// before any socket exists: the resolved address is checked before a datagram can be sent.
    /// </summary>
    public Task<Socket> ConnectDatagramAsync(string host, int port, CancellationToken cancellationToken) =>
        FirstAllowedAsync(host, port, network.ConnectDatagramAsync, cancellationToken);

    private async Task<T> FirstAllowedAsync<T>(string host, int port, Func<IPEndPoint, CancellationToken, Task<T>> connect,
        CancellationToken cancellationToken)
    {
        var addresses = await network.ResolveAsync(host.Trim('[', ']'), cancellationToken).ConfigureAwait(false);
        string? refusal = null;
        var allowed = new List<IPAddress>();
        foreach (var address in addresses)
        {
            if (policy.Refusal(address) is { } why) refusal ??= why;
            else allowed.Add(address);
        }
        if (allowed.Count == 0)
            throw refusal is null ? new SocketException((int)SocketError.HostNotFound) : new OutboundRefusedException(refusal);
        Exception? last = null;
        foreach (var address in allowed)
        {
            try
            {
                return await connect(new IPEndPoint(address, port), cancellationToken).ConfigureAwait(false);
            }
            catch (SocketException e)
            {
                last = e;
            }
        }
        throw last!;
    }

    /// <summary>For <see cref="SocketsHttpHandler.ConnectCallback"/>: the request's host and port through <see cref="ConnectAsync"/>.</summary>
    public ValueTask<Stream> ConnectCallback(SocketsHttpConnectionContext context, CancellationToken cancellationToken) =>
        new(ConnectAsync(context.DnsEndPoint.Host, context.DnsEndPoint.Port, cancellationToken));

    /// <summary>
    /// A handler whose every connection goes through <see cref="ConnectAsync"/>. No proxy: through a proxy the policy
    /// would see the proxy's address, and the proxy would connect to the target unchecked.
    /// </summary>
    public SocketsHttpHandler Handler() => new()
    {
        ConnectCallback = ConnectCallback,
        UseProxy = false,
        AllowAutoRedirect = false,
        UseCookies = false,
    };

    /// <summary>
    /// A client for one-off checks of a tenant's service (readiness probes, activity reads): through <see cref="Handler"/>,
    /// no connection reused (each request shows whether the service accepts connections now), response headers capped
    /// at 64 KiB, and no client timeout (the caller bounds each request on its own clock).
    /// </summary>
    public HttpClient UnpooledClient()
    {
        var handler = Handler();
        handler.PooledConnectionLifetime = TimeSpan.Zero;
        handler.MaxResponseHeadersLength = 64;
        return new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
    }
}
