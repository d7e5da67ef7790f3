using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ServerPower.Providers.Contract;
using ServerPower.Providers.Tests.Support;
using ServerPower.Sandbox.Providers;
using ServerPower.Sandbox.Providers.Wings;

namespace ServerPower.Providers.Tests;

/// <summary>A Wings node with a private CA: trusted only when the account carries that CA bundle.</summary>
public sealed class TlsTests
{
    private const string Uuid = "3f0c2a9e-0000-4000-8000-000000000001";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_private_ca_is_trusted_only_for_the_account_that_names_it()
    {
        var (caPem, serverCertificate) = PrivateCa();
        await using var simulator = await WingsSimulator.StartAsync(new SimulatorOptions { Certificate = serverCertificate }, Ct);
        using var harness = new ProviderHarness(options => options.MaxAttempts = 1);
        var withCa = ProviderHarness.AccountFor(simulator, key: "ns/with-ca") with { CaBundlePem = caPem };
        var withoutCa = ProviderHarness.AccountFor(simulator, key: "ns/system-trust");

        simulator.Servers.Add(Uuid, Sandbox.Providers.Core.SimPowerState.Running);

        var trusted = await harness.Factory.Get(withCa).ProbeAsync(Ct);
        var untrusted = await harness.Factory.Get(withoutCa).ProbeAsync(Ct);

        // Destructive requests go through a client of their own (connections never reused): same trust.
        var trustedKill = await harness.Factory.Get(withCa).SendAsync(Uuid, Api.Resources.ActionType.Kill, null, Ct);
        var untrustedKill = await harness.Factory.Get(withoutCa).SendAsync(Uuid, Api.Resources.ActionType.Kill, null, Ct);

        Assert.Equal("https", simulator.BaseAddress.Scheme);
        Assert.Equal(OutcomeKind.Accepted, trusted.Kind);
        Assert.Equal(OutcomeKind.Unavailable, untrusted.Kind);
        Assert.False(untrusted.MayHaveReachedProvider);
        Assert.Equal(OutcomeKind.Accepted, trustedKill.Kind);
        Assert.Equal(OutcomeKind.Unavailable, untrustedKill.Kind);
        Assert.False(untrustedKill.MayHaveReachedProvider);
    }

    private static (string CaPem, X509Certificate2 Server) PrivateCa()
    {
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=ServerPower Test CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        var now = DateTimeOffset.UtcNow;
        using var ca = caRequest.CreateSelfSigned(now.AddDays(-1), now.AddDays(30));

        using var serverKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var serverRequest = new CertificateRequest("CN=127.0.0.1", serverKey, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        serverRequest.CertificateExtensions.Add(names.Build());
        serverRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var issued = serverRequest.Create(ca, now.AddDays(-1), now.AddDays(29), [1, 2, 3, 4]);
        using var withKey = issued.CopyWithPrivateKey(serverKey);
        var server = X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
        return (ca.ExportCertificatePem(), server);
    }
}
