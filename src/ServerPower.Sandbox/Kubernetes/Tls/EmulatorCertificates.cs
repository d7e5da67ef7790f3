using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ServerPower.Sandbox.Kubernetes.Tls;

/// <summary>
/// A self-signed CA made at startup and the serving certificate it issues for 127.0.0.1 and localhost, as a
/// cluster's CA and kube-apiserver's serving certificate are: clients trust the CA (kubeconfig
/// certificate-authority-data), never the serving certificate itself.
/// </summary>
public sealed class EmulatorCertificates : IDisposable
{
    private EmulatorCertificates(string caPem, X509Certificate2 server)
    {
        CertificateAuthorityPem = caPem;
        ServerCertificate = server;
    }

    /// <summary>The CA certificate, PEM encoded.</summary>
    public string CertificateAuthorityPem { get; }

    /// <summary>The serving certificate, with its private key.</summary>
    public X509Certificate2 ServerCertificate { get; }

    public static EmulatorCertificates Create(TimeProvider time)
    {
        var now = time.GetUtcNow();
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=serverpower-emulator-ca", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
        using var ca = caRequest.CreateSelfSigned(now.AddDays(-1), now.AddDays(365));

        using var serverKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var serverRequest = new CertificateRequest("CN=kube-apiserver", serverKey, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        names.AddDnsName("kubernetes.default.svc");
        serverRequest.CertificateExtensions.Add(names.Build());
        serverRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        serverRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        serverRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        serverRequest.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7f;
        using var issued = serverRequest.Create(ca, now.AddDays(-1), now.AddDays(364), serial);
        using var withKey = issued.CopyWithPrivateKey(serverKey);
        // Through PKCS#12 so the key is usable by the TLS stack on every platform.
        var server = X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
        return new EmulatorCertificates(ca.ExportCertificatePem(), server);
    }

    public void Dispose() => ServerCertificate.Dispose();
}
