using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.Options;
using ServerPower.Providers.Outbound;

namespace ServerPower.Providers.Http;

/// <summary>
/// Configures our named clients: no HttpClient timeout (the pipeline owns timeouts), a SocketsHttpHandler that
/// never follows redirects (a 3xx is an unreadable answer: following it would send the request, its Bearer token
/// and, with 307/308, its body to wherever the Location points) and keeps no cookies, and, for a name with a CA
/// bundle, trust of exactly that bundle (custom root trust; host name still checked). A "-once" client never
/// reuses a connection (pooled lifetime zero), so a request sent at most once never meets a keep-alive
/// connection the provider closed while it was idle. With <see cref="IProviderRequestObserver"/>s registered, an
/// <see cref="ObservingHandler"/> outermost reports every request. Every connection goes through the
/// <see cref="OutboundConnector"/> (the policy checked on the address connected to), and no proxy is used.
/// </summary>
internal sealed class ProviderHttpClientConfigurator(
    ProviderHttpClients clients, IEnumerable<IProviderRequestObserver> observers, TimeProvider timeProvider, OutboundConnector connector)
    : IConfigureNamedOptions<HttpClientFactoryOptions>
{
    public void Configure(HttpClientFactoryOptions options) => Configure(Options.DefaultName, options);

    public void Configure(string? name, HttpClientFactoryOptions options)
    {
        if (name is null || !name.StartsWith(ProviderHttpClients.Prefix, StringComparison.Ordinal))
        {
            return;
        }

        options.HttpClientActions.Add(client => client.Timeout = Timeout.InfiniteTimeSpan);
        var pem = clients.BundleFor(name);
        var once = ProviderHttpClients.IsOnce(name);
        options.HttpMessageHandlerBuilderActions.Add(builder => builder.PrimaryHandler = Handler(pem, once));
        IReadOnlyList<IProviderRequestObserver> watching = [.. observers];
        if (watching.Count > 0)
        {
            options.HttpMessageHandlerBuilderActions.Add(builder => builder.AdditionalHandlers.Insert(0, new ObservingHandler(watching, timeProvider)));
        }
    }

    private SocketsHttpHandler Handler(string? pem, bool once)
    {
        var handler = connector.Handler();
        if (once)
        {
            handler.PooledConnectionLifetime = TimeSpan.Zero;
        }

        if (pem is not null)
        {
            var roots = new X509Certificate2Collection();
            roots.ImportFromPem(pem);
            handler.SslOptions = TrustingOnly(roots);
        }

        return handler;
    }

    private static SslClientAuthenticationOptions TrustingOnly(X509Certificate2Collection roots) => new()
    {
        RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
        {
            if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch)
                || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
            {
                return false;
            }

            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.AddRange(roots);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            return chain.Build(new X509Certificate2(certificate));
        },
    };
}
