using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.Options;

namespace ServerPower.Providers.Http;

/// <summary>
/// Configures our named clients: no HttpClient timeout (the pipeline owns timeouts) and, for a name with a CA
/// bundle, a handler that trusts exactly that bundle (custom root trust; host name still checked).
/// </summary>
internal sealed class ProviderHttpClientConfigurator(ProviderHttpClients clients) : IConfigureNamedOptions<HttpClientFactoryOptions>
{
    public void Configure(HttpClientFactoryOptions options) => Configure(Options.DefaultName, options);

    public void Configure(string? name, HttpClientFactoryOptions options)
    {
        if (name is null || !name.StartsWith(ProviderHttpClients.Prefix, StringComparison.Ordinal))
        {
            return;
        }

        options.HttpClientActions.Add(client => client.Timeout = Timeout.InfiniteTimeSpan);
        if (clients.BundleFor(name) is { } pem)
        {
            var roots = new X509Certificate2Collection();
            roots.ImportFromPem(pem);
            options.HttpMessageHandlerBuilderActions.Add(builder => builder.PrimaryHandler = TrustingOnly(roots));
        }
    }

    private static SocketsHttpHandler TrustingOnly(X509Certificate2Collection roots) => new()
    {
        SslOptions = new SslClientAuthenticationOptions
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
        },
    };
}
